import Probes
import Tensors
import Testing

@Suite("Grouped stratified folds, cross-validation and layer sweeps")
struct CrossValidationTests {
    @Test func foldsKeepGroupsTogetherAndCoverEveryLabelledRowOnce() throws {
        var labels: [Int32] = []
        var groups: [String] = []
        for g in 0..<40 {
            let size = 1 + g % 4
            for r in 0..<size {
                labels.append(g % 3 == 0 ? 1 : Int32(r % 2))
                groups.append(g % 5 == 0 ? "" : "g\(g)")
            }
        }
        labels[3] = -1
        let folds = try GroupedStratifiedKFold.split(labels: labels, groups: groups, folds: 5, seed: 11)
        #expect(folds.count == 5)
        let all = folds.flatMap { $0 }
        #expect(all.sorted() == labels.indices.filter { labels[$0] >= 0 })
        for fold in folds {
            #expect(fold.contains { labels[$0] == 1 } && fold.contains { labels[$0] == 0 })
        }
        var foldOf: [String: Int] = [:]
        for (f, fold) in folds.enumerated() {
            for row in fold where !groups[row].isEmpty {
                #expect(foldOf[groups[row], default: f] == f, "group \(groups[row]) split across folds")
                foldOf[groups[row]] = f
            }
        }
        #expect(try GroupedStratifiedKFold.split(labels: labels, groups: groups, folds: 5, seed: 11) == folds)
        #expect(try GroupedStratifiedKFold.split(labels: labels, groups: groups, folds: 5, seed: 12) != folds)
    }

    @Test func tooFewGroupsForTheFoldsIsAClearError() throws {
        let labels: [Int32] = [1, 1, 1, 0, 0, 0, 0]
        let groups = ["a", "a", "b", "c", "d", "e", "f"]
        #expect(throws: ProbeError.tooFewForFolds(source: "activations", label: 1, groups: 2, folds: 3)) {
            try GroupedStratifiedKFold.split(labels: labels, groups: groups, folds: 3, seed: 0)
        }
        let error = ProbeError.tooFewForFolds(source: "x.h5", label: 1, groups: 2, folds: 3)
        #expect(error.description == "x.h5: class 1 appears in only 2 group(s); 3-fold CV needs at least 3")
        #expect(throws: ProbeError.self) {
            try GroupedStratifiedKFold.split(labels: labels, groups: groups, folds: 1, seed: 0)
        }
    }

    @Test func crossValidationScoresAPlantedDirection() throws {
        let planted = try PlantedData(rows: 600, dims: 32, offset: 3, seed: 5)
        let summary = try CrossValidation.run(planted.data, options: ProbeOptions(method: .logistic), folds: 5, seed: 1)
        #expect(summary.aurocPerFold.count == 5)
        #expect(summary.aurocMean > 0.95)
        #expect(summary.aurocStd >= 0 && summary.aurocStd < 0.05)
        #expect(summary.accuracy > 0.85 && summary.balancedAccuracy > 0.85)
        #expect(summary.tprAtFPR5 > 0.5)
    }

    @Test func sweepFindsTheInformativeLayer() throws {
        let signal = try PlantedData(rows: 300, dims: 16, offset: 3, seed: 1)
        let noise = try PlantedData(rows: 300, dims: 16, offset: 0, seed: 2)
        let sweep = try LayerSweep.run(
            hooks: [("blocks.0.hook_resid_post", noise.data.rows), ("blocks.1.hook_resid_post", signal.data.rows)],
            labels: signal.data.labels, groups: [],
            methods: [ProbeOptions(method: .meanDifference), ProbeOptions(method: .logistic)], folds: 3, seed: 0)
        #expect(sweep.entries.count == 4)
        #expect(sweep.best()?.layer == 1)
        #expect(sweep.best(method: .logistic)?.hook == "blocks.1.hook_resid_post")
        let lines = sweep.text.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].contains("mean-diff") && lines[0].contains("logistic"))
        #expect(lines[2].hasPrefix("blocks.1.hook_resid_post") && lines[2].contains("±"))
        #expect(LayerSweep.layer(of: "hook_embed") == nil)
        #expect(LayerSweep.layer(of: "blocks.23.hook_mlp_out") == 23)
    }
}
