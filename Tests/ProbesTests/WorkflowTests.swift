import ActivationStore
import Foundation
import ModelFiles
import Probes
import Tensors
import Testing

/// Writes small activations files with the ActivationStore writer and runs the CLI workflows.
@Suite("fit / score / directions on activations files")
struct WorkflowTests {
    static let hooks = ["blocks.0.hook_resid_post", "blocks.1.hook_resid_post", "blocks.2.hook_resid_post"]

    /// 240 prompts in 120 contrast pairs; only blocks.1 carries the planted direction.
    static func writeFile(_ url: URL, dModel: Int = 16, modelSHA: String = String(repeating: "ab", count: 32),
                          positions: String = "last", seed: UInt64 = 1) throws {
        let metadata = ActivationMetadata(model: "Models/tiny", modelSHA256: modelSHA, architecture: "llama",
                                          dModel: dModel, nLayers: 3, positions: positions, hooks: hooks,
                                          promptFileSHA256: String(repeating: "cd", count: 32))
        let writer = try ActivationWriter(path: url.path, metadata: metadata, force: true)
        // One direction for every file (so a probe transfers); the noise depends on `seed`.
        var directionGenerator = SplitMix64(seed: 999)
        var direction = (0..<dModel).map { _ in directionGenerator.nextGaussian() }
        var generator = SplitMix64(seed: seed)
        let norm = direction.reduce(0) { $0 + $1 * $1 }.squareRoot()
        direction = direction.map { $0 / norm }
        let prompts = 240
        let labels = (0..<prompts).map { Int32($0 % 2) }
        let groups = (0..<prompts).map { "pair-\($0 / 2)" }
        let tokens = (0..<prompts).map { p in (0..<(positions == "all" ? 2 : 1)).map { Int32(p * 3 + $0) } }
        let rowsPerPrompt = positions == "all" ? 2 : 1
        var activations: [String: Tensor] = [:]
        for (h, hook) in hooks.enumerated() {
            var values: [Float] = []
            for p in 0..<prompts {
                for _ in 0..<rowsPerPrompt {
                    for j in 0..<dModel {
                        let shift = h == 1 && labels[p] == 1 ? 3 * direction[j] : 0
                        values.append(Float(generator.nextGaussian() + shift))
                    }
                }
            }
            activations[hook] = Tensor(shape: [prompts * rowsPerPrompt, dModel], storage: values)
        }
        try writer.append(batch: ActivationBatch(texts: (0..<prompts).map { "prompt \($0)" }, labels: labels,
                                                 groups: groups, tokenIDs: tokens, activations: activations))
        try writer.finish()
    }

    func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ProbesWorkflow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func sweepPicksTheInformativeLayerAndScoreTransfers() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let train = dir.appendingPathComponent("train.h5")
        let test = dir.appendingPathComponent("test.h5")
        try Self.writeFile(train, seed: 1)
        try Self.writeFile(test, seed: 2)
        let out = dir.appendingPathComponent("defect.probe.json")
        let request = FitWorkflow.Request(path: train.path, hook: "hook_resid_post", sweep: true,
                                          methods: [ProbeOptions(method: .logistic), ProbeOptions(method: .meanDifference)],
                                          folds: 4, seed: 3, output: out)
        let report = try FitWorkflow.run(request)
        #expect(report.probe.hook == "blocks.1.hook_resid_post")
        #expect(report.probe.layer == 1)
        #expect(report.probe.trainingFile?.sha256 == (try SHA256.hex(ofFile: train.path)))
        #expect(report.probe.modelSHA256 == String(repeating: "ab", count: 32))
        #expect(report.probe.position == "last")
        #expect((report.probe.metrics?.aurocMean ?? 0) > 0.9)
        #expect(report.sweep?.entries.count == 6)
        #expect(report.text.contains("blocks.2.hook_resid_post"))
        let sweepURL = try #require(report.sweepURL)
        #expect(sweepURL.lastPathComponent == "defect.sweep.json")
        #expect(FileManager.default.fileExists(atPath: sweepURL.path))
        #expect(try ProbeFile.read(from: out) == report.probe)

        // The probe was trained on another sample of the same distribution: it transfers.
        let score = try ScoreWorkflow.run(probePath: out.path, filePath: test.path, bootstrapResamples: 50)
        #expect(score.evaluation.auroc > 0.9)
        #expect(score.sameModel)
        #expect(score.evaluation.aurocInterval != nil)
        #expect(score.roc.count == 5)
        #expect(score.text.contains("AUROC"))
    }

    @Test func scoreRefusesAnotherDModelOrMissingHookAndWarnsOnAnotherModel() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let train = dir.appendingPathComponent("train.h5")
        try Self.writeFile(train)
        let out = dir.appendingPathComponent("p.probe.json")
        _ = try FitWorkflow.run(.init(path: train.path, hook: "hook_resid_post", layer: 1,
                                      methods: [ProbeOptions(method: .meanDifference)], folds: 0, output: out))
        #expect(try ProbeFile.read(from: out).metrics == nil)

        let wide = dir.appendingPathComponent("wide.h5")
        try Self.writeFile(wide, dModel: 24)
        #expect(throws: ProbeError.dimensionMismatch(source: wide.path, expected: 16, got: 24)) {
            try ScoreWorkflow.run(probePath: out.path, filePath: wide.path)
        }
        var file = try ProbeFile.read(from: out)
        file.hook = "blocks.7.hook_resid_post"
        try file.write(to: out)
        #expect(throws: ProbeError.hookMissing(source: train.path, hook: "blocks.7.hook_resid_post", available: Self.hooks)) {
            try ScoreWorkflow.run(probePath: out.path, filePath: train.path)
        }
        file.hook = "blocks.1.hook_resid_post"
        try file.write(to: out)
        let other = dir.appendingPathComponent("other.h5")
        try Self.writeFile(other, modelSHA: String(repeating: "ef", count: 32))
        let report = try ScoreWorkflow.run(probePath: out.path, filePath: other.path)
        #expect(!report.sameModel)
        #expect(report.text.hasPrefix("warning:"))
    }

    @Test func fitRejectsAmbiguousHooksAndUnknownHooks() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let train = dir.appendingPathComponent("train.h5")
        try Self.writeFile(train)
        let out = dir.appendingPathComponent("p.probe.json")
        #expect(throws: ProbeError.self) {
            try FitWorkflow.run(.init(path: train.path, hook: "hook_resid_post", methods: [ProbeOptions(method: .lda)],
                                      output: out))
        }
        #expect(throws: ProbeError.hookMissing(source: train.path, hook: "blocks.9.hook_resid_post", available: Self.hooks)) {
            try FitWorkflow.run(.init(path: train.path, hook: "hook_resid_post", layer: 9,
                                      methods: [ProbeOptions(method: .lda)], output: out))
        }
        #expect(throws: ProbeError.self) {
            try FitWorkflow.run(.init(path: train.path, hook: "hook_resid_post", sweep: true,
                                      methods: [ProbeOptions(method: .lda)], folds: 0, output: out))
        }
    }

    @Test func tokenRowsInheritTheirPromptsLabelAndGroup() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("all.h5")
        try Self.writeFile(path, positions: "all")
        let input = try ActivationInput(path: path.path)
        let data = try input.activations(hook: "blocks.1.hook_resid_post")
        #expect(data.count == 480)
        #expect(Array(data.labels.prefix(4)) == [0, 0, 1, 1])
        #expect(Array(data.groups.prefix(4)) == ["pair-0", "pair-0", "pair-0", "pair-0"])
        let summary = try CrossValidation.run(data, options: ProbeOptions(method: .meanDifference), folds: 3)
        #expect(summary.aurocMean > 0.9)
    }

    @Test func directionsPairedAndPlain() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("a.h5")
        try Self.writeFile(path)
        let out = dir.appendingPathComponent("a.directions.json")
        let paired = try DirectionsWorkflow.run(path: path.path, hook: "blocks.1.hook_resid_post", k: 3, paired: true, output: out)
        #expect(paired.file.rows == 120)
        #expect(paired.file.method == .pairedPCA)
        #expect(try DirectionSetFile.read(from: out) == paired.file)
        let plain = try DirectionsWorkflow.run(path: path.path, hook: "hook_resid_post", layer: 0, k: 2, paired: false, output: out)
        #expect(plain.file.rows == 240 && plain.file.k == 2)
        #expect(plain.text.contains("explained variance"))
    }
}
