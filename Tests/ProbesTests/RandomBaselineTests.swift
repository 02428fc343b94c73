import Foundation
import Probes
import Tensors
import Testing

@Suite("Random-direction baseline and clean-calibrated recall")
struct RandomBaselineTests {
    @Test func aProbeOnAPlantedDirectionStandsFarAboveRandomDirections() throws {
        // One planted direction in 256 dimensions: a random unit direction catches ~1/16 of it.
        let planted = try PlantedData(rows: 2000, dims: 256, offset: 4, seed: 5)
        let probe = try ProbeTrainer.fit(planted.data, options: ProbeOptions(method: .meanDifference))
        let evaluation = try probe.evaluate(on: planted.data, seed: 9, randomDirections: 1000)
        let baseline = try #require(evaluation.randomBaseline)
        #expect(baseline.directions == 1000)
        #expect(evaluation.auroc > 0.99)
        #expect(baseline.medianAbsAUROC > 0.5 && baseline.medianAbsAUROC < 0.6)
        #expect(baseline.bestAbsAUROC < 0.8)
        #expect(evaluation.auroc - baseline.medianAbsAUROC > 0.35)
        #expect(baseline.medianRecallAtFPR1 < 0.1)
        #expect((evaluation.recallAtFPR1Clean?.recall ?? 0) > 0.8)
    }

    @Test func whenTheClassesDifferAlongManyDirectionsAlmostAnyDirectionSeparatesThem() throws {
        // Every coordinate shifts by 5 noise units (as a trigger token moving the whole residual
        // stream): the probe's near-perfect AUROC says little, and the baseline shows it.
        let rows = 600, dims = 64
        var generator = SplitMix64(seed: 21)
        var values: [Float] = []
        let labels = (0..<rows).map { Int32($0 % 2) }
        for i in 0..<rows {
            for _ in 0..<dims { values.append(Float(generator.nextGaussian() + (labels[i] == 1 ? 5 : 0))) }
        }
        let data = try LabeledActivations(rows: Tensor(shape: [rows, dims], storage: values), labels: labels)
        let probe = try ProbeTrainer.fit(data, options: ProbeOptions(method: .meanDifference))
        let evaluation = try probe.evaluate(on: data, randomDirections: 1000)
        let baseline = try #require(evaluation.randomBaseline)
        #expect(baseline.medianAbsAUROC > 0.95)
        #expect(baseline.bestAbsAUROC > 0.999)
        #expect(evaluation.auroc - baseline.medianAbsAUROC < 0.05)
    }

    @Test func theProbeAUROCIsSignedNeverFlipped() throws {
        let planted = try PlantedData(rows: 400, dims: 16, offset: 4, seed: 3)
        let swapped = try LabeledActivations(rows: planted.data.rows, labels: planted.data.labels.map { 1 - $0 })
        let backwards = try ProbeTrainer.fit(swapped, options: ProbeOptions(method: .meanDifference))
        // Trained to point at the other class, it scores the true labels below chance.
        let evaluation = try backwards.evaluate(on: planted.data, randomDirections: 100)
        #expect(evaluation.auroc < 0.05)
        #expect(try #require(evaluation.randomBaseline).medianAbsAUROC >= 0.5)
    }

    @Test func seededDirectionsAreReproducibleAndStableUnderCount() throws {
        let planted = try PlantedData(rows: 300, dims: 32, offset: 2, seed: 8)
        let first = try RandomDirectionBaseline.aurocs(data: planted.data, directions: 50, seed: 4)
        #expect(first == (try RandomDirectionBaseline.aurocs(data: planted.data, directions: 50, seed: 4)))
        #expect(Array(first.prefix(10)) == (try RandomDirectionBaseline.aurocs(data: planted.data, directions: 10, seed: 4)))
        #expect(first != (try RandomDirectionBaseline.aurocs(data: planted.data, directions: 50, seed: 5)))
        let a = try RandomDirectionBaseline(data: planted.data, directions: 200, seed: 4)
        #expect(a == (try RandomDirectionBaseline(data: planted.data, directions: 200, seed: 4)))
        #expect(a?.seed == 4)
        #expect(try RandomDirectionBaseline(data: planted.data, directions: 0) == nil)
        // The directions are unit vectors drawn from the Gaussian stream.
        var generator = SplitMix64(seed: 4)
        let drawn = RandomDirectionBaseline.draw(count: 3, dModel: 32, generator: &generator)
        for i in 0..<3 {
            let norm = drawn[(i * 32)..<((i + 1) * 32)].reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            #expect(abs(norm - 1) < 1e-5)
        }
    }

    @Test func baselineRefusesSingleClassData() throws {
        let data = try LabeledActivations(rows: Tensor(shape: [3, 2], storage: [1, 2, 3, 4, 5, 6]), labels: [0, 0, -1])
        #expect(throws: ProbeError.self) { try RandomDirectionBaseline(data: data, directions: 10) }
    }

    @Test func recallAtOnePercentOnAHandComputedExample() throws {
        // 200 clean scores 0…199: 1% allows 2 of them, so the threshold is the third highest (197)
        // and flagging needs a score strictly above it.
        let clean = (0..<200).map(Double.init)
        let positives = [150, 197, 197.5, 198, 250.0]
        let scores = clean + positives
        let labels = [Int32](repeating: 0, count: 200) + [Int32](repeating: 1, count: 5)
        let recall = try #require(CleanCalibratedRecall(scores: scores, labels: labels))
        #expect(recall.threshold == 197)
        #expect(recall.recall == 0.6)  // 197.5, 198 and 250
        #expect(recall.falsePositiveRate == 0.01)  // 198 and 199
        #expect(recall.calibrationRows == 200)
        #expect(recall.budget == 0.01)
    }

    @Test func recallCalibratedElsewhereAndItsEdgeCases() throws {
        // Fewer than 100 clean rows: no clean row may be flagged, so the threshold is their maximum.
        let held = try #require(CleanCalibratedRecall(calibrationClean: [1, 2, 3], scores: [2.5, 3.5, 3, 4],
                                                      labels: [0, 0, 1, 1]))
        #expect(held.threshold == 3)
        #expect(held.recall == 0.5)
        #expect(held.falsePositiveRate == 0.5)  // a held-out clean row above the calibration
        // Ties: a hundred equal clean scores allow one, but flagging one flags all, so none is.
        let tied = try #require(CleanCalibratedRecall(scores: [Double](repeating: 1, count: 100) + [1, 2],
                                                      labels: [Int32](repeating: 0, count: 100) + [1, 1]))
        #expect(tied.falsePositiveRate == 0)
        #expect(tied.recall == 0.5)
        // 1% of 300 is exactly 3, not 2.99…
        #expect(CleanCalibratedRecall.threshold(cleanScores: (0..<300).map(Double.init), budget: 0.01) == 296)
        // Every score flagged at a budget of 1, with a finite threshold.
        let all = try #require(CleanCalibratedRecall.threshold(cleanScores: [4, 5], budget: 1))
        #expect(all < 4 && all.isFinite)
        #expect(CleanCalibratedRecall.threshold(cleanScores: [], budget: 0.01) == nil)
        #expect(CleanCalibratedRecall(scores: [1, 2], labels: [0, 0]) == nil)
        #expect(CleanCalibratedRecall(calibrationClean: [], scores: [1, 2], labels: [0, 1]) == nil)
    }

    @Test func crossValidationCalibratesOnTrainingFoldsAndTheSweepAddsTheBaseline() throws {
        let planted = try PlantedData(rows: 1000, dims: 32, offset: 4, seed: 12, hook: "blocks.0.hook_resid_post")
        let summary = try CrossValidation.run(planted.data, options: ProbeOptions(method: .meanDifference), folds: 4, seed: 1)
        let recall = try #require(summary.recallAtFPR1Clean)
        #expect(recall > 0.5)
        // Held-out clean rows see a threshold set without them: near, not exactly at, the budget.
        #expect(try #require(summary.heldOutFPRAtCleanThreshold) < 0.05)
        #expect(summary.randomBaseline == nil)

        let sweep = try LayerSweep.run(hooks: ["blocks.0.hook_resid_post"], methods: [ProbeOptions(method: .logistic, C: 0.01),
                                       ProbeOptions(method: .meanDifference)], folds: 4, seed: 1,
                                       randomDirections: 300) { _ in planted.data }
        let baselines = sweep.entries.map(\.metrics.randomBaseline)
        #expect(baselines.count == 2 && baselines[0] != nil && baselines[0] == baselines[1])
        #expect(baselines[0]?.directions == 300)
        #expect(sweep.text.contains("random |AUROC| median / best"))
        #expect(sweep.text.contains("R@1%FPR"))
        let none = try LayerSweep.run(hooks: ["blocks.0.hook_resid_post"], methods: [ProbeOptions(method: .meanDifference)],
                                      folds: 4, seed: 1, randomDirections: 0) { _ in planted.data }
        #expect(none.entries[0].metrics.randomBaseline == nil)
        #expect(!none.text.contains("random"))
    }

    @Test func fitAndScoreResultsCarryTheBaselineBesideEveryAUROC() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("Baselines-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let train = dir.appendingPathComponent("train.h5"), test = dir.appendingPathComponent("test.h5")
        try WorkflowTests.writeFile(train, seed: 1)
        try WorkflowTests.writeFile(test, seed: 2)
        let out = dir.appendingPathComponent("defect.probe.json")
        let report = try FitWorkflow.run(.init(path: train.path, hook: "hook_resid_post", sweep: true,
                                               methods: [ProbeOptions(method: .meanDifference)], folds: 4, seed: 3,
                                               randomDirections: 200, output: out))
        let metrics = try #require(report.probe.metrics)
        let baseline = try #require(metrics.randomBaseline)
        // Only blocks.1 carries the signal, along one of 16 directions.
        #expect(metrics.aurocMean > baseline.medianAbsAUROC + 0.2)
        #expect(metrics.recallAtFPR1Clean != nil)
        #expect(report.text.contains("random |AUROC| median"))
        #expect(try ProbeFile.read(from: out) == report.probe)
        let sweepJSON = try String(contentsOf: try #require(report.sweepURL), encoding: .utf8)
        #expect(sweepJSON.contains("\"median_abs_auroc\""))
        #expect(sweepJSON.contains("\"recall_at_fpr_1pct_clean\""))

        let score = try ScoreWorkflow.run(probePath: out.path, filePath: test.path, seed: 7, randomDirections: 200)
        let scoreBaseline = try #require(score.evaluation.randomBaseline)
        #expect(scoreBaseline.seed == 7 && scoreBaseline.directions == 200)
        #expect(score.evaluation.auroc > scoreBaseline.medianAbsAUROC + 0.2)
        #expect(score.evaluation.recallAtFPR1Clean != nil)
        #expect(score.text.contains("random directions  median |AUROC|"))
        #expect(score.text.contains("recall @ 1% FPR"))
        let json = String(decoding: try JSONEncoder().encode(score), as: UTF8.self)
        #expect(json.contains("\"best_abs_auroc\"") && json.contains("\"recall_at_fpr_1pct_clean\""))
        #expect(throws: ProbeError.self) {
            try ScoreWorkflow.run(probePath: out.path, filePath: test.path, randomDirections: -1)
        }
        #expect(throws: ProbeError.self) {
            try FitWorkflow.run(.init(path: train.path, hook: "hook_resid_post", layer: 1, methods: [ProbeOptions(method: .lda)],
                                      randomDirections: -1, output: dir.appendingPathComponent("bad.probe.json")))
        }
    }
}
