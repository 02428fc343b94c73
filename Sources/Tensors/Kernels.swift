import CLinearAlgebra
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The elementwise and row-wise kernels of the forward pass. Each works in place or from one
/// buffer into another, over `rows` rows of `width` contiguous Floats; none allocates.
public enum Kernels {
    /// Sum of `n` floats, in 16 lanes so that the loop vectorises.
    @inlinable
    public static func sum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = SIMD16<Float>()
        var i = 0
        while i + 16 <= n {
            acc += UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
            i += 16
        }
        var s = acc.sum()
        while i < n { s += x[i]; i += 1 }
        return s
    }

    /// Σ x·y over `n` floats.
    @inlinable
    public static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ n: Int) -> Float {
        cblas_sdot(Int32(n), x, 1, y, 1)
    }

    /// Softmax of one row of `n` floats, in place.
    @inlinable
    public static func softmax(_ x: UnsafeMutablePointer<Float>, _ n: Int) {
        var maxValue = -Float.infinity
        for i in 0..<n where x[i] > maxValue { maxValue = x[i] }
        if maxValue == -Float.infinity {
            for i in 0..<n { x[i] = 0 }
            return
        }
        VectorMath.map(x, n) { VectorMath.exp($0 - maxValue) }
        let total = sum(x, n)
        let inverse = 1 / total
        for i in 0..<n { x[i] *= inverse }
    }

    /// x += y over `n` floats.
    @inlinable
    public static func add(_ x: UnsafeMutablePointer<Float>, _ y: UnsafePointer<Float>, _ n: Int) {
        for i in 0..<n { x[i] += y[i] }
    }

    /// Adds `bias` (width) to every row of x (rows, width).
    @inlinable
    public static func addBias(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int, bias: UnsafePointer<Float>) {
        for r in 0..<rows {
            let row = x + r * width
            for i in 0..<width { row[i] += bias[i] }
        }
    }

    /// The activations `config.json` names, applied in place to `n` floats.
    public enum Activation: String, Sendable {
        case silu, gelu, geluNew = "gelu_new", geluTanh = "gelu_pytorch_tanh", geluFast = "gelu_fast", relu

        public init?(configName: String) { self.init(rawValue: configName) }
    }

    @inlinable
    public static func activate(_ x: UnsafeMutablePointer<Float>, _ n: Int, _ activation: Activation) {
        switch activation {
        case .silu:
            VectorMath.map(x, n) { v in v / (1 + VectorMath.exp(-v)) }
        case .gelu:
            // Exact GELU, as torch.nn.functional.gelu with approximate='none'.
            for i in 0..<n { x[i] = 0.5 * x[i] * (1 + erff(x[i] * 0.70710678118654752)) }
        case .geluNew, .geluTanh, .geluFast:
            // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), transformers' NewGELUActivation.
            let c: Float = 0.7978845608028654
            VectorMath.map(x, n) { v in 0.5 * v * (1 + VectorMath.tanh(c * (v + 0.044715 * v * v * v))) }
        case .relu:
            for i in 0..<n where x[i] < 0 { x[i] = 0 }
        }
    }
}
