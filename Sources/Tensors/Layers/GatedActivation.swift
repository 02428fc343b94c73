#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The gated MLP's middle: h = act(gate) ⊙ up (SwiGLU when act is SiLU), forward and, for SiLU,
/// backward. Reference: `LlamaMLP.forward` (transformers/models/llama/modeling_llama.py).
public enum GatedActivation {
    /// h (rows, width) = act(gate) ⊙ up. gate and up are (rows, width) with row stride `ld`
    /// (inference keeps them side by side in one (rows, 2·width) buffer: ld = 2·width).
    /// gate and up are left unchanged.
    public static func forward(_ h: UnsafeMutablePointer<Float>, gate: UnsafePointer<Float>, up: UnsafePointer<Float>,
                               ld: Int, rows: Int, width: Int, activation: Kernels.Activation) {
        for r in 0..<rows {
            let dst = h + r * width, g = gate + r * ld, u = up + r * ld
            dst.update(from: g, count: width)
            Kernels.activate(dst, width, activation)
            for i in 0..<width { dst[i] *= u[i] }
        }
    }

    /// SiLU only: dgate = dh ⊙ up ⊙ σ(g)(1 + g(1 − σ(g))), dup = dh ⊙ silu(g); overwrites both.
    /// All (rows, width) contiguous.
    public static func siluBackward(dgate: UnsafeMutablePointer<Float>, dup: UnsafeMutablePointer<Float>,
                                    _ dh: UnsafePointer<Float>, gate: UnsafePointer<Float>, up: UnsafePointer<Float>,
                                    count: Int) {
        for i in 0..<count {
            let g = gate[i]
            let s = 1 / (1 + expf(-g))
            dup[i] = dh[i] * g * s
            dgate[i] = dh[i] * up[i] * s * (1 + g * (1 - s))
        }
    }
}
