import Foundation

/// Prompts that a long run reads pass after pass, one at a time, instead of holding them all:
/// an extraction of a million prompts keeps one batch in memory, not the file.
public protocol PromptSource {
    /// Names the prompts in errors (the prompt file's path).
    var name: String { get }

    /// One pass over every prompt in order; `body` gets each prompt with its 1-based line.
    /// Returns the SHA-256 (lower-case hex) of the bytes the pass read, so a caller can tell
    /// that two passes saw the same file. Fails naming the line on a malformed one, and on a
    /// source without prompts.
    func forEachPrompt(_ body: (_ prompt: LabeledPrompt, _ line: Int) throws -> Void) throws -> String
}

/// A JSON Lines prompt file (the format `PromptSet` reads) streamed through `JSONLinesReader`:
/// the same records and the same errors, line numbers included, without keeping any record.
public struct PromptFileSource: PromptSource, Sendable {
    public let path: String
    /// A string `label` names the group (see `PromptSet`).
    public var labelNamesGroup: Bool

    public init(path: String, labelNamesGroup: Bool = false) {
        self.path = path
        self.labelNamesGroup = labelNamesGroup
    }

    public var name: String { path }

    public func forEachPrompt(_ body: (_ prompt: LabeledPrompt, _ line: Int) throws -> Void) throws -> String {
        let reader: JSONLinesReader
        do {
            reader = try JSONLinesReader(path: path)
        } catch {
            throw PromptSetError.unreadable(file: path, reason: "cannot read file")
        }
        let decoder = JSONDecoder()
        var count = 0
        while let line = try nextLine(reader) {
            try body(try PromptSet.record(line, file: path, labelNamesGroup: labelNamesGroup, decoder: decoder), line.number)
            count += 1
        }
        guard count > 0 else { throw PromptSetError.emptyFile(file: path) }
        return reader.sha256 ?? ""
    }

    /// `reader.next()` with its errors in `PromptSetError`'s words.
    private func nextLine(_ reader: JSONLinesReader) throws -> JSONLines.Line? {
        do {
            return try reader.next()
        } catch let error as FormatError {
            guard let line = error.line else { throw PromptSetError.unreadable(file: path, reason: error.problem) }
            throw PromptSetError.invalidLine(file: path, line: line, problem: error.problem)
        }
    }
}
