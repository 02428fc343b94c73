/// How well a probe separates the classes of one labelled data set.
public struct Evaluation: Codable, Sendable, Equatable {
    public var rows: Int
    public var positives: Int
    /// Signed: the probe's own direction (fixed by its training labels) scores the rows, and
    /// nothing flips it afterwards, so a value below 0.5 means the probe points the wrong way.
    public var auroc: Double
    /// At the probe's own threshold.
    public var accuracy: Double
    public var balancedAccuracy: Double
    public var tprAtFPR1: Double
    public var tprAtFPR5: Double
    /// Present when a bootstrap was requested.
    public var aurocInterval: Bootstrap.Interval?
    /// Recall at 1% FPR with the threshold calibrated on this data's clean rows only.
    public var recallAtFPR1Clean: CleanCalibratedRecall?
    /// Random unit directions on the same rows, when requested: the floor `auroc` must clear.
    public var randomBaseline: RandomDirectionBaseline?

    enum CodingKeys: String, CodingKey {
        case rows, positives, auroc, accuracy
        case balancedAccuracy = "balanced_accuracy"
        case tprAtFPR1 = "tpr_at_fpr_1pct"
        case tprAtFPR5 = "tpr_at_fpr_5pct"
        case aurocInterval = "auroc_interval"
        case recallAtFPR1Clean = "recall_at_fpr_1pct_clean"
        case randomBaseline = "random_directions"
    }

    /// Metrics of `scores` (higher = positive) against `labels` (0/1) at `threshold`;
    /// nil when either class is absent.
    public init?(scores: [Double], labels: [Int32], threshold: Double, bootstrapResamples: Int = 0,
                 seed: UInt64 = 0) {
        guard let auroc = ROC.auroc(scores: scores, labels: labels),
              let curve = ROC.curve(scores: scores, labels: labels) else { return nil }
        self.rows = scores.count
        self.positives = labels.filter { $0 == 1 }.count
        self.auroc = auroc
        self.accuracy = ThresholdMetrics.accuracy(scores: scores, labels: labels, threshold: threshold)
        self.balancedAccuracy = ThresholdMetrics.balancedAccuracy(scores: scores, labels: labels, threshold: threshold)
        self.tprAtFPR1 = ROC.truePositiveRate(atFalsePositiveRate: 0.01, curve: curve)
        self.tprAtFPR5 = ROC.truePositiveRate(atFalsePositiveRate: 0.05, curve: curve)
        self.aurocInterval = bootstrapResamples > 0
            ? Bootstrap.auroc(scores: scores, labels: labels, resamples: bootstrapResamples, seed: seed) : nil
        self.recallAtFPR1Clean = CleanCalibratedRecall(scores: scores, labels: labels, budget: 0.01)
    }
}

extension Probe {
    /// Train-on-one, score-on-another: applies the probe to the labelled rows of `data`
    /// (refusing another d_model or hook) and measures it, beside `randomDirections` random
    /// unit directions on the same rows (0 skips the baseline).
    public func evaluate(on data: LabeledActivations, bootstrapResamples: Int = 0, seed: UInt64 = 0,
                         randomDirections: Int = 0) throws -> Evaluation
    {
        try data.check(dModel: dModel, hook: hook)
        let test = try data.labeledOnly()
        let scores = scores(rows: test.rows)
        guard let evaluation = Evaluation(scores: scores, labels: test.labels, threshold: threshold,
                                          bootstrapResamples: bootstrapResamples, seed: seed) else {
            throw ProbeError.singleClass(source: data.source, label: test.labels.first ?? 0)
        }
        var result = evaluation
        result.randomBaseline = try RandomDirectionBaseline(data: test, directions: randomDirections, seed: seed)
        return result
    }
}
