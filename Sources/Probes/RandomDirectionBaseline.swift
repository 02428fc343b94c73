import Tensors

/// How well random unit directions separate the classes of a data set: the floor a probe's
/// AUROC has to clear before it says anything about the probe. When the classes differ along
/// many directions at once (a trigger token that moves the whole residual stream, say), almost
/// every direction separates them, and a probe AUROC near 1 is no evidence that the probe found
/// the feature it was meant to find.
///
/// A random direction has no meaningful sign, so each is scored by |AUROC| = max(AUROC, 1 − AUROC)
/// (the AUROC of its better orientation), and the summary is the median and the best over the
/// directions. A probe's own AUROC stays signed: its sign comes from its training labels.
public struct RandomDirectionBaseline: Codable, Sendable, Equatable {
    /// The number the project reports by default.
    public static let defaultDirections = 1000

    public var directions: Int
    /// Seeds the Gaussian draws (SplitMix64), so a baseline is reproducible.
    public var seed: UInt64
    public var medianAbsAUROC: Double
    public var bestAbsAUROC: Double
    /// Median over directions of recall at 1% FPR calibrated on the clean rows
    /// (`CleanCalibratedRecall`), each direction in the orientation that gives its |AUROC|.
    public var medianRecallAtFPR1: Double

    enum CodingKeys: String, CodingKey {
        case directions, seed
        case medianAbsAUROC = "median_abs_auroc"
        case bestAbsAUROC = "best_abs_auroc"
        case medianRecallAtFPR1 = "median_recall_at_fpr_1pct"
    }

    /// The baseline on the labelled rows of `data`; nil when `directions` is 0.
    /// Throws when the labelled rows lack a class.
    public init?(data: LabeledActivations, directions: Int = defaultDirections, seed: UInt64 = 0) throws {
        guard directions > 0 else { return nil }
        let labeled = try data.labeledOnly()
        var absAUROCs: [Double] = []
        var recalls: [Double] = []
        Self.forEachDirection(rows: labeled.rows, directions: directions, seed: seed) { scores in
            guard let auroc = ROC.auroc(scores: scores, labels: labeled.labels) else { return }
            let oriented = auroc >= 0.5 ? scores : scores.map { -$0 }
            absAUROCs.append(max(auroc, 1 - auroc))
            recalls.append(CleanCalibratedRecall(scores: oriented, labels: labeled.labels)?.recall ?? 0)
        }
        self.directions = directions
        self.seed = seed
        self.medianAbsAUROC = Self.median(absAUROCs)
        self.bestAbsAUROC = absAUROCs.max() ?? 0.5
        self.medianRecallAtFPR1 = Self.median(recalls)
    }

    /// Signed AUROC of each of the first `directions` random directions on `data`'s labelled
    /// rows, in draw order. Direction i is the same for any `directions` > i.
    public static func aurocs(data: LabeledActivations, directions: Int, seed: UInt64 = 0) throws -> [Double] {
        let labeled = try data.labeledOnly()
        var result: [Double] = []
        forEachDirection(rows: labeled.rows, directions: directions, seed: seed) { scores in
            result.append(ROC.auroc(scores: scores, labels: labeled.labels) ?? 0.5)
        }
        return result
    }

    /// The first `directions` unit directions of the seeded stream, (count, d) row-major.
    public static func draw(count: Int, dModel: Int, generator: inout SplitMix64) -> [Float] {
        var values = [Float](repeating: 0, count: count * dModel)
        for i in 0..<count {
            let gaussian = (0..<dModel).map { _ in generator.nextGaussian() }
            let norm = gaussian.reduce(0) { $0 + $1 * $1 }.squareRoot()
            for j in 0..<dModel { values[i * dModel + j] = Float(gaussian[j] / norm) }
        }
        return values
    }

    /// Projects `rows` (n, d) on each direction and hands the n scores to `body`, a block of
    /// directions at a time so that memory stays at n × block scores.
    private static func forEachDirection(rows: Tensor, directions: Int, seed: UInt64,
                                         _ body: ([Double]) -> Void) {
        let n = rows.shape[0], d = rows.shape[1]
        guard n > 0, directions > 0 else { return }
        var generator = SplitMix64(seed: seed)
        let blockSize = 128
        var start = 0
        while start < directions {
            let count = min(blockSize, directions - start)
            let block = draw(count: count, dModel: d, generator: &generator)
            var projections = [Float](repeating: 0, count: n * count)
            rows.storage.withUnsafeBufferPointer { x in
                block.withUnsafeBufferPointer { u in
                    projections.withUnsafeMutableBufferPointer { out in
                        BLAS.sgemm(transB: true, m: n, n: count, k: d, a: x.baseAddress!, b: u.baseAddress!,
                                   c: out.baseAddress!)
                    }
                }
            }
            for column in 0..<count {
                body((0..<n).map { Double(projections[$0 * count + column]) })
            }
            start += count
        }
    }

    private static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0.5 }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
