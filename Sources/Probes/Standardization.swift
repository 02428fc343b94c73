import Tensors

/// Per-feature centring and scaling with scikit-learn `StandardScaler` semantics: population
/// standard deviation (ddof 0), and a feature whose scale is (near) zero keeps scale 1.
public struct Standardization: Codable, Sendable, Equatable {
    /// (d_model)
    public var mean: [Double]
    /// (d_model)
    public var scale: [Double]

    public init(mean: [Double], scale: [Double]) {
        self.mean = mean
        self.scale = scale
    }

    /// Fits on `rows` (n, d) in double precision, two passes for accuracy.
    public init(fitting rows: Tensor) {
        let n = rows.shape[0], d = rows.shape[1]
        var mean = [Double](repeating: 0, count: d)
        var variance = [Double](repeating: 0, count: d)
        rows.storage.withUnsafeBufferPointer { x in
            mean.withUnsafeMutableBufferPointer { m in
                for i in 0..<n {
                    for j in 0..<d { m[j] += Double(x[i * d + j]) }
                }
                for j in 0..<d { m[j] /= Double(max(n, 1)) }
                variance.withUnsafeMutableBufferPointer { v in
                    for i in 0..<n {
                        for j in 0..<d {
                            let c = Double(x[i * d + j]) - m[j]
                            v[j] += c * c
                        }
                    }
                }
            }
        }
        // sklearn's _handle_zeros_in_scale: scales below 10·eps become 1.
        let scale = variance.map { v -> Double in
            let s = (v / Double(max(n, 1))).squareRoot()
            return s < 10 * Double.ulpOfOne ? 1 : s
        }
        self.init(mean: mean, scale: scale)
    }
}

/// Row-major Double copies of activations, optionally centred and scaled: the solvers work
/// in double precision on these.
enum DoubleRows {
    /// (n, d) copy of `rows` with (x - mean) / scale applied per column when given.
    static func copy(_ rows: Tensor, mean: [Double]? = nil, scale: [Double]? = nil) -> [Double] {
        let n = rows.shape[0], d = rows.shape[1]
        var out = [Double](repeating: 0, count: n * d)
        let m = mean ?? [Double](repeating: 0, count: d)
        let inverse = (scale ?? [Double](repeating: 1, count: d)).map { 1 / $0 }
        rows.storage.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { o in
                m.withUnsafeBufferPointer { m in
                    inverse.withUnsafeBufferPointer { s in
                        for i in 0..<n {
                            let base = i * d
                            for j in 0..<d { o[base + j] = (Double(x[base + j]) - m[j]) * s[j] }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Float32 version of `copy`: the arithmetic in double, the result rounded once. (n, d)
    static func copyFloat(_ rows: Tensor, mean: [Double], scale: [Double]? = nil) -> [Float] {
        let n = rows.shape[0], d = rows.shape[1]
        var out = [Float](repeating: 0, count: n * d)
        let inverse = (scale ?? [Double](repeating: 1, count: d)).map { 1 / $0 }
        rows.storage.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { o in
                mean.withUnsafeBufferPointer { m in
                    inverse.withUnsafeBufferPointer { s in
                        for i in 0..<n {
                            let base = i * d
                            for j in 0..<d { o[base + j] = Float((Double(x[base + j]) - m[j]) * s[j]) }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Column means of the rows at `indices` of a row-major (n, d) Float32 matrix. (d)
    static func mean(_ rows: Tensor, indices: [Int]) -> [Double] {
        let d = rows.shape[1]
        var sum = [Double](repeating: 0, count: d)
        rows.storage.withUnsafeBufferPointer { x in
            sum.withUnsafeMutableBufferPointer { s in
                for i in indices {
                    for j in 0..<d { s[j] += Double(x[i * d + j]) }
                }
            }
        }
        let inverse = 1 / Double(max(indices.count, 1))
        return sum.map { $0 * inverse }
    }
}

/// A linear score written in standardised coordinates, rewritten for raw activations:
/// u·((x − m)/s) + c = (u/s)·x + (c − Σ u·m/s).
struct ActivationSpaceLinear {
    /// Unit vector in activation space. (d_model)
    var direction: [Double]
    /// Added after projecting on `direction`.
    var bias: Double
    /// ‖u/s‖: the original score equals `norm · (direction·x + bias)`.
    var norm: Double

    init(weights: [Double], bias: Double, standardization: Standardization?) {
        var w = weights
        var b = bias
        if let standardization {
            for j in w.indices {
                w[j] /= standardization.scale[j]
                b -= w[j] * standardization.mean[j]
            }
        }
        let norm = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let inverse = norm > 0 ? 1 / norm : 0
        self.direction = w.map { $0 * inverse }
        self.bias = b * inverse
        self.norm = norm
    }
}
