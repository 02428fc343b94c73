import Foundation
import ModelFiles

/// A Jupyter notebook (nbformat 4.5) built cell by cell: markdown, and code cells that carry
/// their outputs (tables as text/html, charts as image/svg+xml) so the notebook shows its results
/// before anyone runs it.
public struct Notebook: Sendable {
    public enum Output: Sendable {
        case text(String)
        case html(String, plain: String)
        case svg(String, plain: String)
    }

    public enum Cell: Sendable {
        case markdown(String)
        case code(String, outputs: [Output])
    }

    public private(set) var cells: [Cell] = []
    public var title: String

    public init(title: String) { self.title = title }

    public mutating func markdown(_ text: String) { cells.append(.markdown(text)) }
    public mutating func code(_ source: String, outputs: [Output] = []) { cells.append(.code(source, outputs: outputs)) }

    /// The notebook as nbformat 4.5 JSON. Cell ids are derived from the position, so the same
    /// notebook always serialises to the same bytes.
    public func json() throws -> Data {
        func lines(_ text: String) -> JSONValue {
            // nbformat stores multi-line strings as a list of lines, each keeping its "\n".
            var out: [String] = []
            var current = ""
            for ch in text {
                current.append(ch)
                if ch == "\n" { out.append(current); current = "" }
            }
            if !current.isEmpty { out.append(current) }
            return .array(out.map { .string($0) })
        }
        var cellObjects: [JSONValue] = []
        for (i, cell) in cells.enumerated() {
            let id = String(format: "cell-%04d", i)
            switch cell {
            case .markdown(let text):
                cellObjects.append(.object(["cell_type": .string("markdown"), "id": .string(id), "metadata": .object([:]), "source": lines(text)]))
            case .code(let source, let outputs):
                let outs: [JSONValue] = outputs.map { output in
                    switch output {
                    case .text(let text):
                        return .object(["output_type": .string("stream"), "name": .string("stdout"), "text": lines(text)])
                    case .html(let html, let plain):
                        return .object(["output_type": .string("display_data"), "metadata": .object([:]),
                                        "data": .object(["text/html": lines(html), "text/plain": lines(plain)])])
                    case .svg(let svg, let plain):
                        return .object(["output_type": .string("display_data"), "metadata": .object([:]),
                                        "data": .object(["image/svg+xml": lines(svg), "text/plain": lines(plain)])])
                    }
                }
                cellObjects.append(.object(["cell_type": .string("code"), "id": .string(id), "metadata": .object([:]),
                                            "execution_count": .null, "source": lines(source), "outputs": .array(outs)]))
            }
        }
        let notebook: JSONValue = .object([
            "cells": .array(cellObjects),
            "metadata": .object([
                "kernelspec": .object(["display_name": .string("Python 3"), "language": .string("python"), "name": .string("python3")]),
                "language_info": .object(["name": .string("python")]),
                "title": .string(title),
            ]),
            "nbformat": .int(4),
            "nbformat_minor": .int(5),
        ])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(notebook)
    }
}

