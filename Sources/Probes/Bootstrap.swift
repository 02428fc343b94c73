import Tensors

/// Percentile bootstrap confidence intervals with stratified resampling: positives and
/// negatives are resampled separately, so every replicate keeps the class counts.
public enum Bootstrap {
    public struct Interval: Codable, Sendable, Equatable {
        public var low: Double
        public var high: Double
        public var confidence: Double
        public var resamples: Int
    }

    /// Interval for AUROC; nil when either class is absent.
    public static func auroc(scores: [Double], labels: [Int32], resamples: Int = 1000,
                             confidence: Double = 0.95, seed: UInt64 = 0) -> Interval? {
        interval(scores: scores, labels: labels, resamples: resamples, confidence: confidence, seed: seed) {
            ROC.auroc(scores: $0, labels: $1)
        }
    }

    /// Interval for any statistic of (scores, labels); nil when either class is absent.
    public static func interval(scores: [Double], labels: [Int32], resamples: Int, confidence: Double,
                                seed: UInt64, statistic: ([Double], [Int32]) -> Double?) -> Interval? {
        let positive = labels.indices.filter { labels[$0] == 1 }
        let negative = labels.indices.filter { labels[$0] == 0 }
        guard !positive.isEmpty, !negative.isEmpty, resamples > 0 else { return nil }
        var generator = SplitMix64(seed: seed)
        var values: [Double] = []
        values.reserveCapacity(resamples)
        var sampleScores = [Double](repeating: 0, count: positive.count + negative.count)
        var sampleLabels = [Int32](repeating: 0, count: positive.count + negative.count)
        for _ in 0..<resamples {
            var k = 0
            for pool in [positive, negative] {
                for _ in pool.indices {
                    let index = pool[Int.random(in: 0..<pool.count, using: &generator)]
                    sampleScores[k] = scores[index]
                    sampleLabels[k] = labels[index]
                    k += 1
                }
            }
            if let value = statistic(sampleScores, sampleLabels) { values.append(value) }
        }
        guard !values.isEmpty else { return nil }
        values.sort()
        let tail = (1 - confidence) / 2
        return Interval(low: quantile(values, tail), high: quantile(values, 1 - tail),
                        confidence: confidence, resamples: resamples)
    }

    /// Linear interpolation between order statistics (numpy's default percentile method).
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        return sorted[lower] + fraction * (sorted[upper] - sorted[lower])
    }
}
