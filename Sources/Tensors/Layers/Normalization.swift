/// RMSNorm and LayerNorm over rows, forward (and RMSNorm's backward, for the trainer).
/// References: `LlamaRMSNorm.forward` (transformers/models/llama/modeling_llama.py) and
/// `torch.nn.LayerNorm` (biased variance).
public enum Normalization {
    /// out (rows, d) = weight ⊙ x / sqrt(mean(x²) + eps); x (rows, d). `rstd` (rows), when given,
    /// keeps 1 / sqrt(mean(x²) + eps) for the backward pass.
    public static func rmsForward(_ out: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>? = nil,
                                  _ x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                  rows: Int, d: Int, eps: Float) {
        for r in 0..<rows {
            let xr = x + r * d, yr = out + r * d
            let s = 1 / (Kernels.dot(xr, xr, d) / Float(d) + eps).squareRoot()
            rstd?[r] = s
            for i in 0..<d { yr[i] = weight[i] * (xr[i] * s) }
        }
    }

    /// dx += r·(dy⊙w) − r³/d · x · Σ(dy⊙w⊙x);  dweight += Σ_rows dy ⊙ x · r.
    /// dy, x, dx (rows, d); rstd (rows) from the forward pass.
    public static func rmsBackward(_ dx: UnsafeMutablePointer<Float>, dweight: UnsafeMutablePointer<Float>,
                                   _ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                   rstd: UnsafePointer<Float>, rows: Int, d: Int) {
        for r in 0..<rows {
            let xr = x + r * d, dyr = dy + r * d, dxr = dx + r * d
            let s = rstd[r]
            var dot: Float = 0
            for i in 0..<d {
                dot += dyr[i] * weight[i] * xr[i]
                dweight[i] += dyr[i] * xr[i] * s
            }
            let k = s * s * s * dot / Float(d)
            for i in 0..<d { dxr[i] += s * dyr[i] * weight[i] - k * xr[i] }
        }
    }

    /// out (rows, d) = (x − mean) / sqrt(var + eps) ⊙ weight + bias.
    public static func layerForward(_ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>,
                                    weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                                    rows: Int, d: Int, eps: Float) {
        for r in 0..<rows {
            let src = x + r * d, dst = out + r * d
            let mean = Kernels.sum(src, d) / Float(d)
            for i in 0..<d { dst[i] = src[i] - mean }
            let scale = 1 / (Kernels.dot(dst, dst, d) / Float(d) + eps).squareRoot()
            for i in 0..<d { dst[i] = dst[i] * scale * weight[i] + bias[i] }
        }
    }
}
