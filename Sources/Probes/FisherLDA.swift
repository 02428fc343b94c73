import CLinearAlgebra
import Tensors

/// Fisher's linear discriminant with a shrunk pooled within-class covariance:
/// w = Σ⁻¹ (μ₁ − μ₀), Σ = (1 − α) S + α (tr S / d) I, S = the class-centred rows' covariance
/// (divided by n). α is fixed, or Ledoit–Wolf's estimate computed exactly as scikit-learn's
/// `ledoit_wolf_shrinkage` on the class-centred rows.
public enum FisherLDA {
    /// Returns the unnormalised discriminant w (d), the midpoint of the class means (d) and α.
    static func fit(_ train: LabeledActivations, shrinkage fixed: Double?) throws
        -> (weights: [Double], midpoint: [Double], shrinkage: Double)
    {
        let n = train.count, d = train.dModel
        let positive = train.labels.indices.filter { train.labels[$0] == 1 }
        let negative = train.labels.indices.filter { train.labels[$0] == 0 }
        let mean1 = DoubleRows.mean(train.rows, indices: positive)
        let mean0 = DoubleRows.mean(train.rows, indices: negative)
        var x = DoubleRows.copy(train.rows)  // (n, d), then class-centred
        for i in 0..<n {
            let m = train.labels[i] == 1 ? mean1 : mean0
            for j in 0..<d { x[i * d + j] -= m[j] }
        }
        var covariance = [Double](repeating: 0, count: d * d)  // (d, d) = XᵀX / n, upper
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(d), Int32(n), 1 / Double(n), x, Int32(d),
                    0, &covariance, Int32(d))
        var trace = 0.0
        for j in 0..<d { trace += covariance[j * d + j] }
        let mu = trace / Double(d)

        let alpha: Double
        if let fixed {
            guard fixed >= 0, fixed <= 1 else {
                throw ProbeError.invalidOption(name: "shrinkage", value: "\(fixed)", reason: "must be in [0, 1]")
            }
            alpha = fixed
        } else {
            // Ledoit & Wolf (2004) as sklearn.covariance.ledoit_wolf_shrinkage:
            // β̂ = (Σₖ‖xₖ‖⁴ / n − ‖S‖²_F) / (d n), δ̂ = ‖S − μI‖²_F / d, α = min(β̂, δ̂) / δ̂.
            var fourth = 0.0
            for i in 0..<n {
                var squared = 0.0
                for j in 0..<d { squared += x[i * d + j] * x[i * d + j] }
                fourth += squared * squared
            }
            var frobenius = 0.0  // ‖S‖²_F from the upper triangle
            for i in 0..<d {
                frobenius += covariance[i * d + i] * covariance[i * d + i]
                for j in (i + 1)..<d { frobenius += 2 * covariance[i * d + j] * covariance[i * d + j] }
            }
            let beta = (fourth / Double(n) - frobenius) / (Double(d) * Double(n))
            let delta = (frobenius - 2 * mu * trace + Double(d) * mu * mu) / Double(d)
            alpha = delta > 0 ? max(0, min(beta, delta)) / delta : 1
        }
        for i in 0..<d {
            for j in i..<d { covariance[i * d + j] *= (1 - alpha) }
            covariance[i * d + i] += alpha * mu
        }
        var weights = zip(mean1, mean0).map { $0 - $1 }
        let info = LAPACKE_dposv(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "U")), Int32(d), 1,
                                 &covariance, Int32(d), &weights, 1)
        guard info == 0 else { throw ProbeError.linearAlgebra(routine: "LAPACKE_dposv", info: info) }
        let midpoint = zip(mean1, mean0).map { ($0 + $1) / 2 }
        return (weights, midpoint, alpha)
    }
}
