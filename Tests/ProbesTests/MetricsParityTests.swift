import Probes
import Testing

@Suite("AUROC and ROC curve match scikit-learn")
struct MetricsParityTests {
    @Test(arguments: ["ties", "continuous", "all_tied"])
    func aurocMatches(name: String) throws {
        let reference = try #require(try Fixtures.golden().auroc[name])
        let auroc = try #require(ROC.auroc(scores: reference.scores, labels: reference.labels))
        #expect(abs(auroc - reference.auroc) <= 1e-9)
    }

    @Test(arguments: ["ties", "continuous", "all_tied"])
    func rocCurveMatches(name: String) throws {
        let reference = try #require(try Fixtures.golden().auroc[name])
        let curve = try #require(ROC.curve(scores: reference.scores, labels: reference.labels))
        #expect(curve.thresholds.first == .infinity)
        #expect(Array(curve.thresholds.dropFirst()) == reference.roc_thresholds_after_first)
        #expect(curve.falsePositiveRate.count == reference.roc_fpr.count)
        for (a, b) in zip(curve.falsePositiveRate, reference.roc_fpr) { #expect(abs(a - b) <= 1e-12) }
        for (a, b) in zip(curve.truePositiveRate, reference.roc_tpr) { #expect(abs(a - b) <= 1e-12) }
    }

    @Test func aurocIsNilWithOneClass() {
        #expect(ROC.auroc(scores: [1, 2, 3], labels: [1, 1, 1]) == nil)
        #expect(ROC.curve(scores: [1, 2], labels: [0, 0]) == nil)
    }

    @Test func thresholdMetricsOnAHandCase() throws {
        let scores: [Double] = [0.1, 0.4, 0.35, 0.8, 0.9, 0.2]
        let labels: [Int32] = [0, 0, 1, 1, 1, 0]
        #expect(ThresholdMetrics.accuracy(scores: scores, labels: labels, threshold: 0.5) == 5.0 / 6)
        // TPR 2/3, TNR 1 → 5/6.
        #expect(abs(ThresholdMetrics.balancedAccuracy(scores: scores, labels: labels, threshold: 0.5) - 5.0 / 6) < 1e-12)
        // Balanced accuracy 5/6 is reached at threshold 0.8 (TPR 2/3, TNR 1) and at 0.35 (TPR 1,
        // TNR 2/3): the higher one wins and sits halfway to the next lower score, 0.4.
        #expect(abs(ThresholdMetrics.balancedThreshold(scores: scores, labels: labels) - 0.6) < 1e-12)
        let curve = try #require(ROC.curve(scores: scores, labels: labels))
        #expect(ROC.truePositiveRate(atFalsePositiveRate: 0.01, curve: curve) == 2.0 / 3)
    }

    @Test func bootstrapIsSeededStratifiedAndCoversTheEstimate() throws {
        let reference = try #require(try Fixtures.golden().auroc["continuous"])
        let a = try #require(Bootstrap.auroc(scores: reference.scores, labels: reference.labels, resamples: 300, seed: 4))
        let b = try #require(Bootstrap.auroc(scores: reference.scores, labels: reference.labels, resamples: 300, seed: 4))
        #expect(a == b)
        #expect(a.low < reference.auroc && reference.auroc < a.high)
        #expect(a.high - a.low < 0.3)
        let positives = reference.labels.filter { $0 == 1 }.count
        // Every replicate keeps the class counts: the positive count is constant.
        let counts = try #require(Bootstrap.interval(scores: reference.scores, labels: reference.labels, resamples: 50,
                                                     confidence: 0.9, seed: 1) { _, labels in
            Double(labels.filter { $0 == 1 }.count)
        })
        #expect(counts.low == Double(positives) && counts.high == Double(positives))
    }
}
