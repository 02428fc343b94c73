import CLinearAlgebra
import Tensors

/// Top-k principal components, as scikit-learn `PCA` / numpy SVD define them:
/// components are the right singular vectors of the centred data, explained variance is
/// s² / (n − 1), and the ratio divides by the total variance ‖X − mean‖²_F / (n − 1).
///
/// Computed from whichever Gram matrix is smaller — the (d, d) covariance XᵀX when d ≤ n, the
/// (n, n) matrix XXᵀ otherwise (then v = Xᵀu / s) — built with dsyrk in double precision, and
/// its top k eigenpairs from LAPACK dsyevr.
public struct PrincipalComponents: Sendable {
    /// (k, d_model), unit rows.
    public var components: Tensor
    /// s² / (n − 1), decreasing. (k)
    public var explainedVariance: [Double]
    /// explainedVariance / total variance. (k)
    public var explainedVarianceRatio: [Double]
    /// The mean that was subtracted (zeros when not centred). (d_model)
    public var mean: [Double]
    /// Which Gram matrix was decomposed: "covariance" (d ≤ n) or "gram" (n < d).
    public var route: String

    /// Which matrix to decompose. `automatic` takes the smaller one; the others exist so the
    /// benchmark can measure the choice.
    public enum Route: String, Sendable {
        case automatic, covariance, gram
    }

    /// Top `k` components of `rows` (n, d). `center: false` decomposes the raw second moment
    /// (used for paired differences). `labels`, when given, flip each component so that the
    /// mean projection of rows labelled 1 exceeds that of rows labelled 0 (`labels`, when given).
    public static func fit(_ rows: Tensor, k: Int, center: Bool = true, labels: [Int32]? = nil,
                           route requested: Route = .automatic, source: String = "activations")
        throws -> PrincipalComponents
    {
        guard rows.rank == 2 else { throw ProbeError.notAMatrix(source: source, shape: rows.shape) }
        let n = rows.shape[0], d = rows.shape[1]
        guard k >= 1, k <= d else {
            throw ProbeError.invalidOption(name: "k", value: "\(k)", reason: "must be between 1 and d_model = \(d)")
        }
        guard n >= max(k, 2) else {
            throw ProbeError.tooFewRows(source: source, needed: max(k, 2), got: n, reason: "PCA with k = \(k)")
        }
        let mean = center ? DoubleRows.mean(rows, indices: Array(0..<n)) : [Double](repeating: 0, count: d)
        let x = DoubleRows.copy(rows, mean: mean)  // (n, d), centred
        let total = x.reduce(0) { $0 + $1 * $1 }

        var components = [Double](repeating: 0, count: k * d)  // (k, d)
        var eigenvalues: [Double]
        let route: String
        if requested == .covariance || (requested == .automatic && d <= n) {
            route = "covariance"
            var covariance = [Double](repeating: 0, count: d * d)  // (d, d) upper triangle
            cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(d), Int32(n), 1, x, Int32(d),
                        0, &covariance, Int32(d))
            (eigenvalues, components) = try SymmetricEigen.top(k, of: &covariance, size: d)
        } else {
            route = "gram"
            var gram = [Double](repeating: 0, count: n * n)  // (n, n) upper triangle
            cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, Int32(n), Int32(d), 1, x, Int32(d),
                        0, &gram, Int32(n))
            let (values, left) = try SymmetricEigen.top(k, of: &gram, size: n)  // left: (k, n)
            eigenvalues = values
            // V (k, d) = Uᵀ (k, n) · X (n, d), then each row normalised (‖Xᵀu‖ = s).
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(k), Int32(d), Int32(n),
                        1, left, Int32(n), x, Int32(d), 0, &components, Int32(d))
            for c in 0..<k {
                var norm = 0.0
                for j in 0..<d { norm += components[c * d + j] * components[c * d + j] }
                norm = norm.squareRoot()
                guard norm > 0 else {
                    throw ProbeError.tooFewRows(source: source, needed: k + 1, got: n,
                                                reason: "PCA component \(c + 1) has zero variance")
                }
                for j in 0..<d { components[c * d + j] /= norm }
            }
        }

        orientSigns(&components, k: k, d: d, x: x, labels: labels)
        let variance = eigenvalues.map { max($0, 0) / Double(n - 1) }
        let ratio = eigenvalues.map { total > 0 ? max($0, 0) / total : 0 }
        return PrincipalComponents(
            components: Tensor(shape: [k, d], storage: components.map { Float($0) }),
            explainedVariance: variance, explainedVarianceRatio: ratio, mean: mean, route: route)
    }

    /// Positive class projects higher when labels are given; otherwise the entry of largest
    /// magnitude is made positive, so the result does not depend on LAPACK's arbitrary sign.
    private static func orientSigns(_ components: inout [Double], k: Int, d: Int, x: [Double], labels: [Int32]?) {
        let n = x.count / d
        for c in 0..<k {
            var flip = false
            if let labels, labels.contains(1), labels.contains(0) {
                var difference = 0.0
                let positives = Double(labels.filter { $0 == 1 }.count)
                let negatives = Double(labels.filter { $0 == 0 }.count)
                for i in 0..<n where labels[i] >= 0 {
                    var projection = 0.0
                    for j in 0..<d { projection += x[i * d + j] * components[c * d + j] }
                    difference += labels[i] == 1 ? projection / positives : -projection / negatives
                }
                flip = difference < 0
            } else {
                var largest = 0.0
                for j in 0..<d where abs(components[c * d + j]) > abs(largest) { largest = components[c * d + j] }
                flip = largest < 0
            }
            if flip { for j in 0..<d { components[c * d + j] = -components[c * d + j] } }
        }
    }

    /// Contrast pairs: for every non-empty group holding both classes, the mean of its positive
    /// rows minus the mean of its negative rows (x_pos − x_neg for a plain pair), as repeng's
    /// `pca_diff` and llama.cpp's cvector-generator build them. (pairs, d_model)
    public static func pairedDifferences(_ data: LabeledActivations) throws -> Tensor {
        let d = data.dModel
        var members: [String: (positive: [Int], negative: [Int])] = [:]
        var order: [String] = []
        for i in 0..<data.count where !data.groups[i].isEmpty && data.labels[i] >= 0 {
            let group = data.groups[i]
            if members[group] == nil { order.append(group) }
            if data.labels[i] == 1 {
                members[group, default: ([], [])].positive.append(i)
            } else {
                members[group, default: ([], [])].negative.append(i)
            }
        }
        var differences: [Float] = []
        for group in order {
            guard let (positive, negative) = members[group], !positive.isEmpty, !negative.isEmpty else { continue }
            let p = DoubleRows.mean(data.rows, indices: positive)
            let q = DoubleRows.mean(data.rows, indices: negative)
            for j in 0..<d { differences.append(Float(p[j] - q[j])) }
        }
        guard !differences.isEmpty else { throw ProbeError.noPairs(source: data.source) }
        return Tensor(shape: [differences.count / d, d], storage: differences)
    }

    /// PCA of contrast-pair differences, uncentred so that a shared offset direction (the
    /// concept) is the top component; signs make the differences project positive on average.
    public static func fitPaired(_ data: LabeledActivations, k: Int) throws -> PrincipalComponents {
        let differences = try pairedDifferences(data)
        let pairs = differences.shape[0]
        var result = try fit(differences, k: k, center: false, labels: nil, source: data.source)
        let d = data.dModel
        for c in 0..<k {
            var total = 0.0
            for i in 0..<pairs {
                for j in 0..<d { total += Double(differences[i, j]) * Double(result.components[c, j]) }
            }
            if total < 0 { for j in 0..<d { result.components[c, j] = -result.components[c, j] } }
        }
        return result
    }
}
