/// Cross-validated metrics of one method: per-fold AUROC and the mean of every metric.
/// Standard deviations are over folds with ddof 0 (numpy's default).
public struct CrossValidationSummary: Codable, Sendable, Equatable {
    public var folds: Int
    public var seed: UInt64
    public var aurocPerFold: [Double]
    public var aurocMean: Double
    public var aurocStd: Double
    public var accuracy: Double
    public var balancedAccuracy: Double
    public var tprAtFPR1: Double
    public var tprAtFPR5: Double
    /// Mean over folds of the recall at 1% FPR whose threshold was calibrated on the clean rows
    /// of the training folds only, and of the false-positive rate that threshold gave on the
    /// held-out clean rows (a check of the calibration).
    public var recallAtFPR1Clean: Double?
    public var heldOutFPRAtCleanThreshold: Double?
    /// Random unit directions on the same labelled rows the folds' AUROCs were measured on
    /// (every labelled row is in exactly one test fold); set by `LayerSweep`.
    public var randomBaseline: RandomDirectionBaseline?

    enum CodingKeys: String, CodingKey {
        case folds, seed
        case aurocPerFold = "auroc_per_fold"
        case aurocMean = "auroc_mean"
        case aurocStd = "auroc_std"
        case accuracy
        case balancedAccuracy = "balanced_accuracy"
        case tprAtFPR1 = "tpr_at_fpr_1pct"
        case tprAtFPR5 = "tpr_at_fpr_5pct"
        case recallAtFPR1Clean = "recall_at_fpr_1pct_clean"
        case heldOutFPRAtCleanThreshold = "held_out_fpr_at_clean_threshold"
        case randomBaseline = "random_directions"
    }
}

public enum CrossValidation {
    /// Fits `options` on K − 1 folds and scores the held-out fold, K times; folds come from
    /// `GroupedStratifiedKFold` so a group never straddles train and test.
    public static func run(_ data: LabeledActivations, options: ProbeOptions, folds: Int, seed: UInt64 = 0)
        throws -> CrossValidationSummary
    {
        let labeled = try data.labeledOnly()
        let split = try GroupedStratifiedKFold.split(labels: labeled.labels, groups: labeled.groups,
                                                     folds: folds, seed: seed, source: data.source)
        var evaluations: [Evaluation] = []
        var cleanRecalls: [CleanCalibratedRecall] = []
        for test in split {
            let held = Set(test)
            let train = labeled.subset(labeled.labels.indices.filter { !held.contains($0) })
            let probe = try ProbeTrainer.fit(train, options: options)
            let testData = labeled.subset(test)
            evaluations.append(try probe.evaluate(on: testData))
            // The threshold sees only training-fold clean rows; the test fold then measures it.
            let trainScores = try probe.scores(train)
            let trainClean = train.labels.indices.filter { train.labels[$0] == 0 }.map { trainScores[$0] }
            if let recall = CleanCalibratedRecall(calibrationClean: trainClean, scores: try probe.scores(testData),
                                                  labels: testData.labels, budget: 0.01) {
                cleanRecalls.append(recall)
            }
        }
        func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }
        let aurocs = evaluations.map(\.auroc)
        let aurocMean = mean(aurocs)
        let variance = mean(aurocs.map { ($0 - aurocMean) * ($0 - aurocMean) })
        return CrossValidationSummary(
            folds: folds, seed: seed, aurocPerFold: aurocs, aurocMean: aurocMean,
            aurocStd: variance.squareRoot(), accuracy: mean(evaluations.map(\.accuracy)),
            balancedAccuracy: mean(evaluations.map(\.balancedAccuracy)),
            tprAtFPR1: mean(evaluations.map(\.tprAtFPR1)), tprAtFPR5: mean(evaluations.map(\.tprAtFPR5)),
            recallAtFPR1Clean: cleanRecalls.isEmpty ? nil : mean(cleanRecalls.map(\.recall)),
            heldOutFPRAtCleanThreshold: cleanRecalls.isEmpty ? nil : mean(cleanRecalls.map(\.falsePositiveRate)))
    }
}
