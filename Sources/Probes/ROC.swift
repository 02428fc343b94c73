/// Receiver operating characteristic metrics for scores where higher means "positive".
/// Labels are 1 (positive) or 0 (negative); callers drop unlabelled rows first.
public enum ROC {
    /// Area under the ROC curve as the Mann–Whitney U statistic with average ranks for ties:
    /// equal to scikit-learn `roc_auc_score` (which integrates the tied-step curve the same way).
    /// Returns nil when either class is absent.
    public static func auroc(scores: [Double], labels: [Int32]) -> Double? {
        let positives = labels.reduce(0) { $0 + ($1 == 1 ? 1 : 0) }
        let negatives = labels.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var positiveRankSum = 0.0
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && scores[order[end + 1]] == scores[order[start]] { end += 1 }
            // Ranks start..end (0-based) share their average, (start + end)/2 + 1 (1-based).
            let averageRank = Double(start + end) / 2 + 1
            for position in start...end where labels[order[position]] == 1 { positiveRankSum += averageRank }
            start = end + 1
        }
        let p = Double(positives), q = Double(negatives)
        return (positiveRankSum - p * (p + 1) / 2) / (p * q)
    }

    /// One point per distinct threshold, as scikit-learn `roc_curve(drop_intermediate=False)`:
    /// thresholds decrease from +∞ (the (0, 0) point), a row is predicted positive when its
    /// score ≥ threshold.
    public struct Curve: Sendable, Equatable {
        public var falsePositiveRate: [Double]
        public var truePositiveRate: [Double]
        public var thresholds: [Double]
    }

    /// nil when either class is absent.
    public static func curve(scores: [Double], labels: [Int32]) -> Curve? {
        let positives = labels.reduce(0) { $0 + ($1 == 1 ? 1 : 0) }
        let negatives = labels.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var fpr = [0.0], tpr = [0.0], thresholds = [Double.infinity]
        var tp = 0, fp = 0
        var position = 0
        while position < order.count {
            let threshold = scores[order[position]]
            while position < order.count && scores[order[position]] == threshold {
                if labels[order[position]] == 1 { tp += 1 } else { fp += 1 }
                position += 1
            }
            fpr.append(Double(fp) / Double(negatives))
            tpr.append(Double(tp) / Double(positives))
            thresholds.append(threshold)
        }
        return Curve(falsePositiveRate: fpr, truePositiveRate: tpr, thresholds: thresholds)
    }

    /// The highest true-positive rate among thresholds whose false-positive rate is at most
    /// `fpr` (no interpolation: an operating point one could actually pick).
    public static func truePositiveRate(atFalsePositiveRate fpr: Double, curve: Curve) -> Double {
        var best = 0.0
        for (f, t) in zip(curve.falsePositiveRate, curve.truePositiveRate) where f <= fpr + 1e-12 {
            best = max(best, t)
        }
        return best
    }
}

/// Accuracy-type metrics at a fixed threshold (positive when score ≥ threshold).
public enum ThresholdMetrics {
    public static func accuracy(scores: [Double], labels: [Int32], threshold: Double) -> Double {
        guard !scores.isEmpty else { return 0 }
        var correct = 0
        for (s, y) in zip(scores, labels) where (s >= threshold) == (y == 1) { correct += 1 }
        return Double(correct) / Double(scores.count)
    }

    /// (TPR + TNR) / 2, as scikit-learn `balanced_accuracy_score` for two classes.
    public static func balancedAccuracy(scores: [Double], labels: [Int32], threshold: Double) -> Double {
        var tp = 0, p = 0, tn = 0, q = 0
        for (s, y) in zip(scores, labels) {
            if y == 1 { p += 1; if s >= threshold { tp += 1 } } else { q += 1; if s < threshold { tn += 1 } }
        }
        let tpr = p > 0 ? Double(tp) / Double(p) : 0
        let tnr = q > 0 ? Double(tn) / Double(q) : 0
        return (tpr + tnr) / 2
    }

    /// The threshold that maximises balanced accuracy on these scores, placed halfway between
    /// the chosen distinct score and the next lower one (so it generalises instead of sitting
    /// on a training point). Ties among maxima go to the highest threshold.
    public static func balancedThreshold(scores: [Double], labels: [Int32]) -> Double {
        guard let curve = ROC.curve(scores: scores, labels: labels) else { return 0 }
        var bestIndex = 1
        var best = -1.0
        for i in 1..<curve.thresholds.count {
            let value = (curve.truePositiveRate[i] + 1 - curve.falsePositiveRate[i]) / 2
            // A margin so that rounding (1 − 1/3 vs 2/3) does not break exact ties.
            if value > best + 1e-12 { best = value; bestIndex = i }
        }
        let chosen = curve.thresholds[bestIndex]
        return bestIndex + 1 < curve.thresholds.count ? (chosen + curve.thresholds[bestIndex + 1]) / 2 : chosen
    }
}
