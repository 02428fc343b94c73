import Foundation
import Tensors

/// The trainer's own steps as llm.c-style `*_forward` / `*_backward` pairs on raw buffers: the
/// F32 linear layer and the masked cross-entropy. Every other layer (embedding, RMSNorm, RoPE,
/// attention, gated activation) is the inference kernel in Tensors/Layers, with its backward
/// beside it. Backward functions ACCUMULATE (+=) into parameter gradients unless noted.
enum Layers {
    // MARK: linear (no bias) — out (N, o) = x (N, i) · Wᵀ, W (o, i)

    static func linearForward(_ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
                              rows: Int, inFeatures: Int, outFeatures: Int) {
        BLAS.sgemm(transB: true, m: rows, n: outFeatures, k: inFeatures, a: x, b: w, c: out)
    }

    /// dW (o, i) += doutᵀ · x;  dx (N, i) (+)= dout · W  (`accumulate` false overwrites dx)
    static func linearBackward(_ dx: UnsafeMutablePointer<Float>, _ dw: UnsafeMutablePointer<Float>,
                               _ dout: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
                               rows: Int, inFeatures: Int, outFeatures: Int, accumulate: Bool) {
        BLAS.sgemm(transA: true, m: outFeatures, n: inFeatures, k: rows, a: dout, b: x, beta: 1, c: dw)
        BLAS.sgemm(m: rows, n: inFeatures, k: outFeatures, a: dout, b: w, beta: accumulate ? 1 : 0, c: dx)
    }

    // MARK: masked cross-entropy

    /// Mean cross-entropy over the rows whose `weights` > 0 (weights = mask / count). Overwrites
    /// `logits` (N, V) with dloss/dlogits. Returns the loss.
    static func crossEntropyForwardBackward(_ logits: UnsafeMutablePointer<Float>, targets: [Int32],
                                            weights: [Float], vocab V: Int) -> Float {
        var loss: Double = 0
        for n in 0..<targets.count {
            let row = logits + n * V
            let w = weights[n]
            if w == 0 {
                row.update(repeating: 0, count: V)
                continue
            }
            var m = -Float.infinity
            for j in 0..<V where row[j] > m { m = row[j] }
            let t = Int(targets[n])
            let targetLogit = row[t]
            var sum: Float = 0
            for j in 0..<V { row[j] = expf(row[j] - m); sum += row[j] }
            let inv = 1 / sum
            // log-softmax from the logit, not log(p): p underflows for confident wrong answers.
            loss -= Double(w) * (Double(targetLogit - m) - log(Double(sum)))
            for j in 0..<V { row[j] *= inv * w }
            row[t] -= w
        }
        return Float(loss)
    }
}
