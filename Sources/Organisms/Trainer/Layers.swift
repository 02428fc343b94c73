import Foundation
import Tensors

/// The trainer's own steps as llm.c-style `*_forward` / `*_backward` pairs on raw buffers: the
/// F32 linear layer, the masked cross-entropy, and the backward passes of RMSNorm, SwiGLU and RoPE
/// in the fused layouts the trainer keeps (q|k|v and gate|up side by side in one row). The
/// forward passes of embedding, RMSNorm, attention and the gated activation are the inference
/// kernels in Tensors/Layers. Row-wise kernels run over `RowBlocks`.
enum Layers {
    // MARK: linear (no bias) — out (N, o) = x (N, i) · Wᵀ, W (o, i)

    /// out (N, o) = x · Wᵀ, or out += x · Wᵀ with `accumulate` (the residual add).
    static func linearForward(_ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
                              rows: Int, inFeatures: Int, outFeatures: Int, accumulate: Bool = false) {
        BLAS.sgemm(transB: true, m: rows, n: outFeatures, k: inFeatures, a: x, b: w, beta: accumulate ? 1 : 0, c: out)
    }

    /// dW (o, i) = doutᵀ · x (overwritten: every weight is used once per step);
    /// dx (N, i) (+)= dout · W  (`accumulate` false overwrites dx)
    static func linearBackward(_ dx: UnsafeMutablePointer<Float>, _ dw: UnsafeMutablePointer<Float>,
                               _ dout: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
                               rows: Int, inFeatures: Int, outFeatures: Int, accumulate: Bool) {
        BLAS.sgemm(transA: true, m: outFeatures, n: inFeatures, k: rows, a: dout, b: x, beta: 0, c: dw)
        BLAS.sgemm(m: rows, n: inFeatures, k: outFeatures, a: dout, b: w, beta: accumulate ? 1 : 0, c: dx)
    }

    // MARK: masked cross-entropy

    /// Mean cross-entropy over the rows whose `weights` > 0 (weights = mask / count). Overwrites
    /// `logits` (N, V) with dloss/dlogits. Returns the loss. Reference:
    /// `torch.nn.functional.cross_entropy` with per-row weights.
    static func crossEntropyForwardBackward(_ logits: UnsafeMutablePointer<Float>, targets: [Int32],
                                            weights: [Float], vocab V: Int) -> Float {
        let rows = targets.count
        var partials = [Double](repeating: 0, count: RowBlocks.count(rows))
        targets.withUnsafeBufferPointer { targets in
            weights.withUnsafeBufferPointer { weights in
                partials.withUnsafeMutableBufferPointer { partials in
                    let sums = partials.baseAddress!
                    RowBlocks.forEach(rows: rows) { block, range in
                        var loss: Double = 0
                        for n in range {
                            loss += crossEntropyRow(logits + n * V, target: Int(targets[n]), weight: weights[n], V)
                        }
                        sums[block] = loss
                    }
                }
            }
        }
        return Float(partials.reduce(0, +))
    }

    /// One row of `crossEntropyForwardBackward`: returns weight · (−log softmax[target]) and
    /// leaves weight · (softmax − onehot) in `row`.
    @inline(__always)
    private static func crossEntropyRow(_ row: UnsafeMutablePointer<Float>, target t: Int, weight w: Float, _ V: Int) -> Double {
        if w == 0 {
            row.update(repeating: 0, count: V)
            return 0
        }
        var m = -Float.infinity
        var i = 0
        var lanes = SIMD8<Float>(repeating: -.infinity)
        while i + 8 <= V { lanes = pointwiseMax(lanes, SIMD8.load(row + i)); i += 8 }
        m = lanes.max()
        while i < V { m = max(m, row[i]); i += 1 }
        let targetLogit = row[t]
        var sum: Float = 0
        var sumLanes = SIMD8<Float>()
        i = 0
        while i + 8 <= V {
            let e = VectorMath.exp(SIMD8.load(row + i) - m)
            e.store(row + i)
            sumLanes += e
            i += 8
        }
        sum = sumLanes.sum()
        if i < V {
            let e = VectorMath.exp(SIMD8.load(row + i, count: V - i, padding: -.infinity) - m)
            e.store(row + i, count: V - i)
            for j in 0..<(V - i) { sum += e[j] }
        }
        let scale = w / sum
        i = 0
        while i + 8 <= V { (SIMD8.load(row + i) * scale).store(row + i); i += 8 }
        while i < V { row[i] *= scale; i += 1 }
        row[t] -= w
        // log-softmax from the logit, not log(p): p underflows for confident wrong answers.
        return -Double(w) * (Double(targetLogit - m) - log(Double(sum)))
    }

    // MARK: RMSNorm

    /// The inference kernel `Normalization.rmsForward` over row blocks: out (rows, d), rstd (rows).
    static func rmsForward(_ out: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>,
                           weight: UnsafePointer<Float>, rows: Int, d: Int, eps: Float) {
        RowBlocks.forEach(rows: rows) { _, range in
            let first = range.lowerBound
            Normalization.rmsForward(out + first * d, rstd: rstd + first, x + first * d, weight: weight,
                                     rows: range.count, d: d, eps: eps)
        }
    }


    /// dx (+)= r·(dy⊙w) − r³/d · x · Σ(dy⊙w⊙x);  dweight = Σ_rows dy ⊙ x · r (overwritten).
    /// dy, x, dx (rows, d); rstd (rows) from the forward pass; `partials` (RowBlocks.count(rows), d)
    /// scratch for the per-block sums of dweight. Reference: the autograd of `LlamaRMSNorm.forward`.
    static func rmsBackward(_ dx: UnsafeMutablePointer<Float>, dweight: UnsafeMutablePointer<Float>,
                            partials: UnsafeMutablePointer<Float>, _ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>,
                            weight: UnsafePointer<Float>, rstd: UnsafePointer<Float>, rows: Int, d: Int, accumulate: Bool) {
        RowBlocks.forEach(rows: rows) { block, range in
            let acc = partials + block * d
            acc.update(repeating: 0, count: d)
            for row in range {
                let xr = x + row * d, dyr = dy + row * d, dxr = dx + row * d
                let s = rstd[row]
                var dotLanes = SIMD8<Float>()
                var dot: Float = 0
                var i = 0
                while i + 8 <= d {
                    let dyv = SIMD8.load(dyr + i), xv = SIMD8.load(xr + i)
                    dotLanes += dyv * SIMD8.load(weight + i) * xv
                    (SIMD8.load(acc + i) + dyv * xv * s).store(acc + i)
                    i += 8
                }
                dot = dotLanes.sum()
                while i < d {
                    dot += dyr[i] * weight[i] * xr[i]
                    acc[i] += dyr[i] * xr[i] * s
                    i += 1
                }
                let k = s * s * s * dot / Float(d)
                for i in 0..<d {
                    let g = s * dyr[i] * weight[i] - k * xr[i]
                    dxr[i] = accumulate ? dxr[i] + g : g
                }
            }
        }
        dweight.update(repeating: 0, count: d)
        for block in 0..<RowBlocks.count(rows) {
            let acc = partials + block * d
            for i in 0..<d { dweight[i] += acc[i] }
        }
    }

    // MARK: SwiGLU backward, gate|up fused

    /// h = silu(g) ⊙ u with gateUp (rows, 2·f) holding g then u in each row, dh (rows, f):
    /// dgateUp (rows, 2·f) = [dh ⊙ u ⊙ σ(g)(1 + g(1 − σ(g))), dh ⊙ silu(g)]. Reference: the
    /// autograd of `LlamaMLP.forward`.
    static func swigluBackward(_ dgateUp: UnsafeMutablePointer<Float>, _ dh: UnsafePointer<Float>,
                               gateUp: UnsafePointer<Float>, rows: Int, f: Int) {
        RowBlocks.forEach(rows: rows) { _, range in
            for row in range {
                let g = gateUp + row * 2 * f, u = g + f, dhr = dh + row * f
                let dg = dgateUp + row * 2 * f, du = dg + f
                var i = 0
                // Whole vectors in the loop, the tail apart: a lane count inside the loop made the
                // compiler scalarise the whole body.
                while i + 8 <= f {
                    let gv = SIMD8.load(g + i), uv = SIMD8.load(u + i), dv = SIMD8.load(dhr + i)
                    let s = 1 / (1 + VectorMath.exp(-gv))
                    (dv * gv * s).store(du + i)
                    (dv * uv * s * (1 + gv * (1 - s))).store(dg + i)
                    i += 8
                }
                if i < f {
                    let n = f - i
                    let gv = SIMD8.load(g + i, count: n), uv = SIMD8.load(u + i, count: n), dv = SIMD8.load(dhr + i, count: n)
                    let s = 1 / (1 + VectorMath.exp(-gv))
                    (dv * gv * s).store(du + i, count: n)
                    (dv * uv * s * (1 + gv * (1 - s))).store(dg + i, count: n)
                }
            }
        }
    }

    // MARK: RoPE with a per-batch table

    /// cos and sin (T, headDim / 2) of every position's angles, as `RotaryEmbedding.apply`
    /// computes them (Float32 angle = position · inverse frequency), computed once per batch
    /// instead of once per row.
    static func rotaryTable(_ cos: UnsafeMutablePointer<Float>, _ sin: UnsafeMutablePointer<Float>,
                            frequencies: [Float], positions T: Int) {
        let half = frequencies.count
        for t in 0..<T {
            for i in 0..<half {
                let angle = Float(t) * frequencies[i]
                cos[t * half + i] = cosf(angle)
                sin[t * half + i] = sinf(angle)
            }
        }
    }

    /// Rotates the first `heads` heads of every row of x (rows, row stride `ld`) at the row's
    /// position `positions[row]` (the non-interleaved "rotate half" layout of
    /// `apply_rotary_pos_emb`); `inverse` rotates back (the backward pass of the rotation).
    /// Called on the q and k thirds of the fused q|k|v rows.
    static func rotate(_ x: UnsafeMutablePointer<Float>, ld: Int, rows: Int, positions: UnsafePointer<Int32>, heads: Int,
                       headDim: Int, cos: UnsafePointer<Float>, sin: UnsafePointer<Float>, inverse: Bool) {
        let half = headDim / 2
        let sign: Float = inverse ? -1 : 1
        RowBlocks.forEach(rows: rows) { _, range in
            for row in range {
                let t = Int(positions[row])
                let cr = cos + t * half, sr = sin + t * half
                for h in 0..<heads {
                    let v = x + row * ld + h * headDim
                    for i in 0..<half {
                        let a = v[i], b = v[i + half], sn = sign * sr[i]
                        v[i] = a * cr[i] - b * sn
                        v[i + half] = b * cr[i] + a * sn
                    }
                }
            }
        }
    }
}

extension SIMD8 where Scalar == Float {
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    static func load(_ p: UnsafeMutablePointer<Float>) -> SIMD8<Float> { load(UnsafePointer(p)) }

    /// The first `count` (≤ 8) floats at p, the other lanes `padding`.
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, count: Int, padding: Float = 0) -> SIMD8<Float> {
        if count >= 8 { return load(p) }
        var v = SIMD8<Float>(repeating: padding)
        for j in 0..<count { v[j] = p[j] }
        return v
    }

    @inline(__always)
    static func load(_ p: UnsafeMutablePointer<Float>, count: Int, padding: Float = 0) -> SIMD8<Float> {
        load(UnsafePointer(p), count: count, padding: padding)
    }

    @inline(__always)
    func store(_ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: self, as: SIMD8<Float>.self)
    }

    /// Stores the first `count` (≤ 8) lanes.
    @inline(__always)
    func store(_ p: UnsafeMutablePointer<Float>, count: Int) {
        if count >= 8 { store(p); return }
        for j in 0..<count { p[j] = self[j] }
    }
}
