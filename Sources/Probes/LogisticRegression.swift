import Foundation
import Tensors

/// L2-regularised logistic regression with scikit-learn's objective:
///
///     minimise  Σᵢ sᵢ · log(1 + exp(−ỹᵢ (w·xᵢ + b)))  +  ‖w‖² / (2C)
///
/// with ỹ = ±1, sample weights sᵢ = 1 or `class_weight="balanced"` weights n / (2 · n_class),
/// and an unpenalised intercept b — `LogisticRegression(C=C, penalty="l2", fit_intercept=True)`.
/// Solved by L-BFGS in double precision; stops when max|∇| ≤ tolerance · Σsᵢ, which is
/// sklearn's `gtol` on its sample-weight-normalised loss.
public struct LogisticRegression: Sendable {
    /// Where the data matrix lives during the solve (see `DesignMatrix`).
    public enum Storage: String, Codable, Sendable {
        case double
        case float32
    }

    public var C: Double
    public var balancedClassWeight: Bool
    public var standardize: Bool
    public var tolerance: Double
    public var maxIterations: Int
    public var storage: Storage

    public init(C: Double = 1, balancedClassWeight: Bool = false, standardize: Bool = false,
                tolerance: Double = 1e-6, maxIterations: Int = 1000, storage: Storage = .double) {
        self.C = C
        self.balancedClassWeight = balancedClassWeight
        self.standardize = standardize
        self.tolerance = tolerance
        self.maxIterations = maxIterations
        self.storage = storage
    }

    /// The solution, in the coordinates the solver saw (standardised when `standardize`).
    public struct Fit: Sendable {
        /// (d_model)
        public var coefficients: [Double]
        public var intercept: Double
        public var standardization: Standardization?
        public var iterations: Int
        public var converged: Bool
        public var gradientMaxNorm: Double
    }

    /// Fits on the rows labelled 0/1 of `data`.
    public func fit(_ data: LabeledActivations) throws -> Fit {
        guard C > 0, C.isFinite else {
            throw ProbeError.invalidOption(name: "C", value: "\(C)", reason: "must be a positive number")
        }
        guard tolerance > 0 else {
            throw ProbeError.invalidOption(name: "tolerance", value: "\(tolerance)", reason: "must be positive")
        }
        let train = try data.labeledOnly()
        let n = train.count, d = train.dModel
        let standardization = standardize ? Standardization(fitting: train.rows) : nil
        let matrix: any DesignMatrix
        switch storage {
        case .double:
            matrix = DoubleDesignMatrix(
                values: DoubleRows.copy(train.rows, mean: standardization?.mean, scale: standardization?.scale),
                rows: n, columns: d)
        case .float32:
            var values = train.rows.storage
            if let standardization {
                for i in 0..<n {
                    for j in 0..<d {
                        values[i * d + j] = Float((Double(values[i * d + j]) - standardization.mean[j])
                                                  / standardization.scale[j])
                    }
                }
            }
            matrix = FloatDesignMatrix(values: values, rows: n, columns: d)
        }

        let targets = train.labels.map { Double($0) }
        let positives = targets.reduce(0, +)
        let weights: [Double] = balancedClassWeight
            ? targets.map { $0 == 1 ? Double(n) / (2 * positives) : Double(n) / (2 * (Double(n) - positives)) }
            : [Double](repeating: 1, count: n)
        let weightSum = weights.reduce(0, +)
        let inverseC = 1 / C
        var z = [Double](repeating: 0, count: n)
        var residual = [Double](repeating: 0, count: n)
        var gradientW = [Double](repeating: 0, count: d)

        // Parameters are [w (d), b].
        let solver = LBFGS(gradientTolerance: tolerance * weightSum, maxIterations: maxIterations)
        let result = solver.minimize(start: [Double](repeating: 0, count: d + 1)) { parameters, gradient in
            let w = Array(parameters[0..<d])
            let b = parameters[d]
            matrix.multiply(w, into: &z)
            var loss = 0.0
            var gradientB = 0.0
            for i in 0..<n {
                let zi = z[i] + b
                // log(1 + e^z) − t·z, stable for both signs of z.
                let softplus = zi > 0 ? zi + log1p(exp(-zi)) : log1p(exp(zi))
                loss += weights[i] * (softplus - targets[i] * zi)
                let sigmoid = zi >= 0 ? 1 / (1 + exp(-zi)) : exp(zi) / (1 + exp(zi))
                residual[i] = weights[i] * (sigmoid - targets[i])
                gradientB += residual[i]
            }
            matrix.multiplyTransposed(residual, into: &gradientW)
            var penalty = 0.0
            for j in 0..<d {
                penalty += w[j] * w[j]
                gradient[j] = gradientW[j] + inverseC * w[j]
            }
            gradient[d] = gradientB
            return loss + 0.5 * inverseC * penalty
        }
        return Fit(coefficients: Array(result.x[0..<d]), intercept: result.x[d],
                   standardization: standardization, iterations: result.iterations,
                   converged: result.converged, gradientMaxNorm: result.gradientMaxNorm)
    }
}
