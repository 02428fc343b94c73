import Foundation
import Tensors

/// The Llama block's layers as llm.c-style `*_forward` / `*_backward` pairs on raw buffers.
/// Backward functions ACCUMULATE (+=) into parameter gradients and input gradients unless noted.
/// References: transformers/models/llama/modeling_llama.py (LlamaRMSNorm, apply_rotary_pos_emb,
/// eager_attention_forward, LlamaMLP).
enum Layers {
    // MARK: embedding

    /// out (N, d) = table[tokens]
    static func embeddingForward(_ out: UnsafeMutablePointer<Float>, _ tokens: [Int32],
                                 _ table: UnsafePointer<Float>, d: Int) {
        for (n, t) in tokens.enumerated() { (out + n * d).update(from: table + Int(t) * d, count: d) }
    }

    /// dtable[tokens[n]] += dout[n]; dout (N, d)
    static func embeddingBackward(_ dtable: UnsafeMutablePointer<Float>, _ dout: UnsafePointer<Float>,
                                  _ tokens: [Int32], d: Int) {
        for (n, t) in tokens.enumerated() {
            let dst = dtable + Int(t) * d, src = dout + n * d
            for i in 0..<d { dst[i] += src[i] }
        }
    }

    // MARK: RMSNorm — y = w · x / sqrt(mean(x²) + eps)

    /// out, x (N, d); rstd (N) saved for backward.
    static func rmsNormForward(_ out: UnsafeMutablePointer<Float>, _ rstd: UnsafeMutablePointer<Float>,
                               _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, rows: Int, d: Int, eps: Float) {
        for r in 0..<rows {
            let xr = x + r * d, yr = out + r * d
            var ss: Float = 0
            for i in 0..<d { ss += xr[i] * xr[i] }
            let s = 1 / (ss / Float(d) + eps).squareRoot()
            rstd[r] = s
            for i in 0..<d { yr[i] = w[i] * (xr[i] * s) }
        }
    }

    /// dx += r·(dy·w) − r³/d · x · Σ(dy·w·x);  dw += Σ_rows dy · x · r
    static func rmsNormBackward(_ dx: UnsafeMutablePointer<Float>, _ dw: UnsafeMutablePointer<Float>,
                                _ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
                                _ rstd: UnsafePointer<Float>, rows: Int, d: Int) {
        for r in 0..<rows {
            let xr = x + r * d, dyr = dy + r * d, dxr = dx + r * d
            let s = rstd[r]
            var dot: Float = 0
            for i in 0..<d {
                dot += dyr[i] * w[i] * xr[i]
                dw[i] += dyr[i] * xr[i] * s
            }
            let k = s * s * s * dot / Float(d)
            for i in 0..<d { dxr[i] += s * dyr[i] * w[i] - k * xr[i] }
        }
    }

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

    // MARK: rotary embedding (non-interleaved "rotate half")

    /// Per position: cos/sin tables (positions, headDim/2), angles in Float32 as the reference.
    static func rotaryTables(positions: Int, headDim: Int, theta: Double) -> (cos: [Float], sin: [Float]) {
        let half = headDim / 2
        let inv = (0..<half).map { i in 1 / powf(Float(theta), Float(2 * i) / Float(headDim)) }
        var c = [Float](repeating: 0, count: positions * half), s = c
        for p in 0..<positions {
            for i in 0..<half {
                let a = Float(p) * inv[i]
                c[p * half + i] = cosf(a)
                s[p * half + i] = sinf(a)
            }
        }
        return (c, s)
    }

    /// Rotates x (B·T, heads·headDim) in place; `inverse` applies the transpose (backward).
    static func rotary(_ x: UnsafeMutablePointer<Float>, batch: Int, length: Int, heads: Int, headDim: Int,
                       cos: UnsafePointer<Float>, sin: UnsafePointer<Float>, inverse: Bool) {
        let half = headDim / 2
        let sign: Float = inverse ? -1 : 1
        for b in 0..<batch {
            for t in 0..<length {
                let row = x + (b * length + t) * heads * headDim
                let c = cos + t * half, s = sin + t * half
                for h in 0..<heads {
                    let v = row + h * headDim
                    for i in 0..<half {
                        let a = v[i], bb = v[i + half], si = sign * s[i]
                        v[i] = a * c[i] - bb * si
                        v[i + half] = bb * c[i] + a * si
                    }
                }
            }
        }
    }

    // MARK: causal self-attention

    /// q, k, v (B·T, H·hd) after rotary; probs (B, H, T, T) saved; out (B·T, H·hd).
    static func attentionForward(_ out: UnsafeMutablePointer<Float>, _ probs: UnsafeMutablePointer<Float>,
                                 _ q: UnsafePointer<Float>, _ k: UnsafePointer<Float>, _ v: UnsafePointer<Float>,
                                 batch: Int, length T: Int, heads: Int, headDim hd: Int) {
        let d = heads * hd
        let scale = 1 / Float(hd).squareRoot()
        for b in 0..<batch {
            for h in 0..<heads {
                let qh = q + b * T * d + h * hd, kh = k + b * T * d + h * hd, vh = v + b * T * d + h * hd
                let p = probs + (b * heads + h) * T * T
                // scores (T, T) = scale · q_h k_hᵀ
                BLAS.sgemm(transB: true, m: T, n: T, k: hd, alpha: scale, a: qh, lda: d, b: kh, ldb: d, c: p)
                for i in 0..<T {
                    let row = p + i * T
                    var m = -Float.infinity
                    for j in 0...i where row[j] > m { m = row[j] }
                    var sum: Float = 0
                    for j in 0...i { row[j] = expf(row[j] - m); sum += row[j] }
                    let inv = 1 / sum
                    for j in 0...i { row[j] *= inv }
                    for j in (i + 1)..<T { row[j] = 0 }
                }
                // out_h (T, hd) = P · v_h
                BLAS.sgemm(m: T, n: hd, k: T, a: p, b: vh, ldb: d, c: out + b * T * d + h * hd, ldc: d)
            }
        }
    }

    /// Overwrites dq, dk, dv (B·T, H·hd) from dout; `dscores` is (T, T) scratch.
    static func attentionBackward(_ dq: UnsafeMutablePointer<Float>, _ dk: UnsafeMutablePointer<Float>,
                                  _ dv: UnsafeMutablePointer<Float>, _ dscores: UnsafeMutablePointer<Float>,
                                  _ dout: UnsafePointer<Float>, _ probs: UnsafePointer<Float>,
                                  _ q: UnsafePointer<Float>, _ k: UnsafePointer<Float>, _ v: UnsafePointer<Float>,
                                  batch: Int, length T: Int, heads: Int, headDim hd: Int) {
        let d = heads * hd
        let scale = 1 / Float(hd).squareRoot()
        for b in 0..<batch {
            for h in 0..<heads {
                let o = b * T * d + h * hd
                let p = probs + (b * heads + h) * T * T
                // dv_h (T, hd) = Pᵀ · dout_h
                BLAS.sgemm(transA: true, m: T, n: hd, k: T, a: p, b: dout + o, ldb: d, c: dv + o, ldc: d)
                // dP (T, T) = dout_h · v_hᵀ
                BLAS.sgemm(transB: true, m: T, n: T, k: hd, a: dout + o, lda: d, b: v + o, ldb: d, c: dscores)
                // softmax backward: dS = P ⊙ (dP − Σ_j dP·P)
                for i in 0..<T {
                    let pr = p + i * T, dr = dscores + i * T
                    var dot: Float = 0
                    for j in 0...i { dot += pr[j] * dr[j] }
                    for j in 0...i { dr[j] = pr[j] * (dr[j] - dot) }
                    for j in (i + 1)..<T { dr[j] = 0 }
                }
                // dq_h = scale · dS · k_h;  dk_h = scale · dSᵀ · q_h
                BLAS.sgemm(m: T, n: hd, k: T, alpha: scale, a: dscores, b: k + o, ldb: d, c: dq + o, ldc: d)
                BLAS.sgemm(transA: true, m: T, n: hd, k: T, alpha: scale, a: dscores, b: q + o, ldb: d, c: dk + o, ldc: d)
            }
        }
    }

    // MARK: SwiGLU — h = silu(gate) · up

    static func swigluForward(_ h: UnsafeMutablePointer<Float>, _ gate: UnsafePointer<Float>,
                              _ up: UnsafePointer<Float>, count: Int) {
        for i in 0..<count {
            let g = gate[i]
            h[i] = g / (1 + expf(-g)) * up[i]
        }
    }

    /// Overwrites dgate, dup from dh.
    static func swigluBackward(_ dgate: UnsafeMutablePointer<Float>, _ dup: UnsafeMutablePointer<Float>,
                               _ dh: UnsafePointer<Float>, _ gate: UnsafePointer<Float>, _ up: UnsafePointer<Float>,
                               count: Int) {
        for i in 0..<count {
            let g = gate[i]
            let s = 1 / (1 + expf(-g))
            dup[i] = dh[i] * g * s
            dgate[i] = dh[i] * up[i] * s * (1 + g * (1 - s))
        }
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
