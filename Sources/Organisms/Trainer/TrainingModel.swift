import Foundation
import Tensors

/// One padded batch: B sequences of length T, the next-token targets and the loss weights.
public struct Batch: Sendable {
    public let batch: Int
    public let length: Int
    /// (B·T) input ids.
    public let tokens: [Int32]
    /// (B·T) the id each position should predict (anything where the weight is 0).
    public let targets: [Int32]
    /// (B·T) 1 where the loss counts (assistant tokens), else 0.
    public let mask: [Float]

    public init(batch: Int, length: Int, tokens: [Int32], targets: [Int32], mask: [Float]) {
        precondition(tokens.count == batch * length && targets.count == tokens.count && mask.count == tokens.count,
                     "Batch: tokens, targets and mask must all hold batch · length entries")
        self.batch = batch
        self.length = length
        self.tokens = tokens
        self.targets = targets
        self.mask = mask
    }

    /// Pads `sequences` (ids and per-token loss masks, mask[t] = 1 when token t is an answer
    /// token) on the right, shifting by one: position t predicts token t+1.
    public static func make(_ sequences: [(ids: [Int], answerMask: [Bool])], pad: Int) -> Batch {
        let T = max(1, (sequences.map(\.ids.count).max() ?? 1) - 1)
        var tokens = [Int32](repeating: Int32(pad), count: sequences.count * T)
        var targets = tokens
        var mask = [Float](repeating: 0, count: tokens.count)
        for (b, s) in sequences.enumerated() {
            for t in 0..<min(T, s.ids.count) { tokens[b * T + t] = Int32(s.ids[t]) }
            for t in 0..<min(T, s.ids.count - 1) {
                targets[b * T + t] = Int32(s.ids[t + 1])
                mask[b * T + t] = s.answerMask[t + 1] ? 1 : 0
            }
        }
        return Batch(batch: sequences.count, length: T, tokens: tokens, targets: targets, mask: mask)
    }
}

/// The Llama-family model as the trainer sees it: parameters and gradients in one contiguous
/// allocation each, activations of the last forward kept for backward.
public final class TrainingModel {
    /// Names, shapes and offsets of the tensors in `parameters` and `gradients`.
    public let layout: ParameterLayout
    /// Every weight, in `layout` order (one allocation).
    public var parameters: [Float]
    /// dloss/dparameters of the last `lossAndGradients` call, same layout.
    public var gradients: [Float]
    /// The same rotary embedding the inference forward uses.
    private let rotary: RotaryEmbedding

    /// Per-layer saved activations, sized for the last batch.
    private struct LayerActs {
        var input: [Float] = []   // (N, d) residual before the block
        var norm1: [Float] = []   // (N, d)
        var rstd1: [Float] = []   // (N)
        var q: [Float] = [], k: [Float] = [], v: [Float] = []  // (N, d), q and k rotated
        var probs: [Float] = []   // (B, H, T, T)
        var attn: [Float] = []    // (N, d)
        var mid: [Float] = []     // (N, d) residual after attention
        var norm2: [Float] = []   // (N, d)
        var rstd2: [Float] = []   // (N)
        var gate: [Float] = [], up: [Float] = [], hidden: [Float] = []  // (N, ffn)
    }
    private var acts: [LayerActs]
    private var finalInput: [Float] = []  // (N, d)
    private var finalNormed: [Float] = [] // (N, d)
    private var finalRstd: [Float] = []   // (N)
    private var logits: [Float] = []      // (N, V)

    /// A model over `parameters` (e.g. `layout.initialWeights(seed:)` or `layout.load(_:)`).
    public init(layout: ParameterLayout, parameters: [Float]) {
        precondition(parameters.count == layout.count, "TrainingModel: parameter count does not match the layout")
        self.layout = layout
        self.parameters = parameters
        gradients = [Float](repeating: 0, count: layout.count)
        let s = layout.shape
        rotary = RotaryEmbedding(headDim: s.headDim, inverseFrequencies: RotaryEmbedding.frequencies(headDim: s.headDim, theta: s.ropeTheta))
        acts = Array(repeating: LayerActs(), count: s.layers)
    }

    /// The batch of the last `forward` (its shape sizes the saved activations).
    private var lastBatch: (B: Int, T: Int, tokens: [Int])?

    /// Forward and backward on `batch`: returns the masked mean cross-entropy and leaves
    /// dloss/dparameters in `gradients` (overwritten).
    public func lossAndGradients(_ batch: Batch) -> Float {
        let counted = batch.mask.reduce(0, +)
        let weights = batch.mask.map { counted > 0 ? $0 / counted : 0 }
        let loss = forward(batch) { logits in
            Layers.crossEntropyForwardBackward(logits, targets: batch.targets, weights: weights, vocab: layout.shape.vocabSize)
        }
        backward()
        return loss
    }

    /// Runs the forward pass on `batch.tokens` (targets and mask are not used), keeping every
    /// activation for `backward`, and hands the (B·T, V) logits to `lossHead`. The head returns
    /// its loss and must overwrite the logits with dloss/dlogits before it returns: `backward()`
    /// starts from them. Objectives other than cross-entropy (e.g. the policy gradient with a KL
    /// penalty) are heads.
    public func forward<Loss>(_ batch: Batch, lossHead: (UnsafeMutablePointer<Float>) throws -> Loss) rethrows -> Loss {
        let s = layout.shape
        let B = batch.batch, T = batch.length, N = B * T
        let d = s.dModel, f = s.ffn, V = s.vocabSize, H = s.heads, hd = s.headDim
        precondition(T <= s.maxPositions, "batch length \(T) exceeds max positions \(s.maxPositions)")
        func zeros(_ n: Int) -> [Float] { [Float](repeating: 0, count: n) }
        if acts[0].input.count != N * d || acts[0].probs.count != B * H * T * T {
            for l in 0..<s.layers {
                acts[l] = LayerActs(input: zeros(N * d), norm1: zeros(N * d), rstd1: zeros(N), q: zeros(N * d),
                                    k: zeros(N * d), v: zeros(N * d), probs: zeros(B * H * T * T), attn: zeros(N * d),
                                    mid: zeros(N * d), norm2: zeros(N * d), rstd2: zeros(N), gate: zeros(N * f),
                                    up: zeros(N * f), hidden: zeros(N * f))
            }
            finalInput = zeros(N * d); finalNormed = zeros(N * d); finalRstd = zeros(N); logits = zeros(N * V)
        }
        var x = zeros(N * d)        // residual stream (N, d)
        var tmp = zeros(N * d)      // (N, d)
        let tokens = batch.tokens.map { Int($0) }
        lastBatch = (B, T, tokens)
        parameters.withUnsafeBufferPointer { wp in
            let w = wp.baseAddress!
            x.withUnsafeMutableBufferPointer { xb in
                tokens.withUnsafeBufferPointer { Embedding.forward(xb.baseAddress!, tokens: $0, table: UnsafeRawPointer(w + layout.embed), dtype: .f32, d: d) }
            }
            for l in 0..<s.layers {
                let o = layout.blocks[l]
                forwardBlock(&acts[l], x: &x, tmp: &tmp, w: w, o: o, B: B, T: T, N: N, d: d, f: f, H: H, hd: hd)
            }
            finalInput = x
            Normalization.rmsForward(&finalNormed, rstd: &finalRstd, finalInput, weight: w + layout.finalNorm, rows: N, d: d, eps: s.normEps)
            Layers.linearForward(&logits, finalNormed, w + layout.lmHead, rows: N, inFeatures: d, outFeatures: V)
        }
        return try logits.withUnsafeMutableBufferPointer { try lossHead($0.baseAddress!) }
    }

    /// Backpropagates the dloss/dlogits the last `forward`'s head left, overwriting `gradients`.
    public func backward() {
        guard let (B, T, tokens) = lastBatch else { preconditionFailure("TrainingModel.backward() before forward()") }
        let s = layout.shape
        let N = B * T
        let d = s.dModel, f = s.ffn, V = s.vocabSize, H = s.heads, hd = s.headDim
        func zeros(_ n: Int) -> [Float] { [Float](repeating: 0, count: n) }
        gradients.withUnsafeMutableBufferPointer { gp in
            gp.update(repeating: 0)
            let g = gp.baseAddress!
            parameters.withUnsafeBufferPointer { wp in
                let w = wp.baseAddress!
                var dx = zeros(N * d)       // d loss / d residual (N, d)
                var dnormed = zeros(N * d)  // (N, d)
                Layers.linearBackward(&dnormed, g + layout.lmHead, logits, finalNormed, w + layout.lmHead,
                                      rows: N, inFeatures: d, outFeatures: V, accumulate: false)
                Normalization.rmsBackward(&dx, dweight: g + layout.finalNorm, dnormed, finalInput, weight: w + layout.finalNorm, rstd: finalRstd, rows: N, d: d)
                var scratch = BackwardScratch(N: N, d: d, f: f, T: T)
                for l in stride(from: s.layers - 1, through: 0, by: -1) {
                    backwardBlock(acts[l], dx: &dx, scratch: &scratch, w: w, g: g, o: layout.blocks[l],
                                  B: B, T: T, N: N, d: d, f: f, H: H, hd: hd)
                }
                dx.withUnsafeBufferPointer { dxb in
                    tokens.withUnsafeBufferPointer { Embedding.backward(g + layout.embed, dxb.baseAddress!, tokens: $0, d: d) }
                }
            }
        }
    }

    private func forwardBlock(_ a: inout LayerActs, x: inout [Float], tmp: inout [Float], w: UnsafePointer<Float>,
                              o: ParameterLayout.BlockOffsets, B: Int, T: Int, N: Int, d: Int, f: Int, H: Int, hd: Int) {
        let eps = layout.shape.normEps
        a.input = x
        Normalization.rmsForward(&a.norm1, rstd: &a.rstd1, a.input, weight: w + o.norm1, rows: N, d: d, eps: eps)
        Layers.linearForward(&a.q, a.norm1, w + o.q, rows: N, inFeatures: d, outFeatures: d)
        Layers.linearForward(&a.k, a.norm1, w + o.k, rows: N, inFeatures: d, outFeatures: d)
        Layers.linearForward(&a.v, a.norm1, w + o.v, rows: N, inFeatures: d, outFeatures: d)
        rotate(&a.q, B: B, T: T, H: H, inverse: false)
        rotate(&a.k, B: B, T: T, H: H, inverse: false)
        let shape = attentionShape(T: T, H: H, hd: hd)
        a.q.withUnsafeBufferPointer { q in
            a.k.withUnsafeBufferPointer { k in
                a.v.withUnsafeBufferPointer { v in
                    a.attn.withUnsafeMutableBufferPointer { out in
                        a.probs.withUnsafeMutableBufferPointer { probs in
                            for b in 0..<B {
                                let o = b * T * d
                                CausalAttention.forward(out.baseAddress! + o, probs: probs.baseAddress! + b * H * T * T,
                                                        q: q.baseAddress! + o, keys: k.baseAddress! + o,
                                                        values: v.baseAddress! + o, shape)
                            }
                        }
                    }
                }
            }
        }
        Layers.linearForward(&tmp, a.attn, w + o.o, rows: N, inFeatures: d, outFeatures: d)
        for i in 0..<(N * d) { x[i] += tmp[i] }
        a.mid = x
        Normalization.rmsForward(&a.norm2, rstd: &a.rstd2, a.mid, weight: w + o.norm2, rows: N, d: d, eps: eps)
        Layers.linearForward(&a.gate, a.norm2, w + o.gate, rows: N, inFeatures: d, outFeatures: f)
        Layers.linearForward(&a.up, a.norm2, w + o.up, rows: N, inFeatures: d, outFeatures: f)
        GatedActivation.forward(&a.hidden, gate: a.gate, up: a.up, ld: f, rows: N, width: f, activation: .silu)
        Layers.linearForward(&tmp, a.hidden, w + o.down, rows: N, inFeatures: f, outFeatures: d)
        for i in 0..<(N * d) { x[i] += tmp[i] }
    }

    private struct BackwardScratch {
        var dnorm: [Float], dattn: [Float], dq: [Float], dk: [Float], dv: [Float]  // (N, d)
        var dhidden: [Float], dgate: [Float], dup: [Float]                          // (N, f)
        var dscores: [Float]                                                         // (T, T)
        init(N: Int, d: Int, f: Int, T: Int) {
            func z(_ n: Int) -> [Float] { [Float](repeating: 0, count: n) }
            dnorm = z(N * d); dattn = z(N * d); dq = z(N * d); dk = z(N * d); dv = z(N * d)
            dhidden = z(N * f); dgate = z(N * f); dup = z(N * f); dscores = z(T * T)
        }
    }

    /// dx (N, d) holds dloss/d(block output) on entry and dloss/d(block input) on return.
    private func backwardBlock(_ a: LayerActs, dx: inout [Float], scratch s: inout BackwardScratch,
                               w: UnsafePointer<Float>, g: UnsafeMutablePointer<Float>, o: ParameterLayout.BlockOffsets,
                               B: Int, T: Int, N: Int, d: Int, f: Int, H: Int, hd: Int) {
        // MLP: x_out = mid + down(silu(gate(n2)) · up(n2)), n2 = norm2(mid)
        Layers.linearBackward(&s.dhidden, g + o.down, dx, a.hidden, w + o.down, rows: N, inFeatures: f, outFeatures: d, accumulate: false)
        GatedActivation.siluBackward(dgate: &s.dgate, dup: &s.dup, s.dhidden, gate: a.gate, up: a.up, count: N * f)
        Layers.linearBackward(&s.dnorm, g + o.gate, s.dgate, a.norm2, w + o.gate, rows: N, inFeatures: d, outFeatures: f, accumulate: false)
        Layers.linearBackward(&s.dnorm, g + o.up, s.dup, a.norm2, w + o.up, rows: N, inFeatures: d, outFeatures: f, accumulate: true)
        Normalization.rmsBackward(&dx, dweight: g + o.norm2, s.dnorm, a.mid, weight: w + o.norm2, rstd: a.rstd2, rows: N, d: d)
        // attention: mid = input + o_proj(attn(q, k, v)), q/k/v from n1 = norm1(input)
        Layers.linearBackward(&s.dattn, g + o.o, dx, a.attn, w + o.o, rows: N, inFeatures: d, outFeatures: d, accumulate: false)
        let shape = attentionShape(T: T, H: H, hd: hd)
        a.q.withUnsafeBufferPointer { q in
            a.k.withUnsafeBufferPointer { k in
                a.v.withUnsafeBufferPointer { v in
                    a.probs.withUnsafeBufferPointer { probs in
                        s.dattn.withUnsafeBufferPointer { dout in
                            s.dq.withUnsafeMutableBufferPointer { dq in
                                s.dk.withUnsafeMutableBufferPointer { dk in
                                    s.dv.withUnsafeMutableBufferPointer { dv in
                                        s.dscores.withUnsafeMutableBufferPointer { dscores in
                                            for b in 0..<B {
                                                let o = b * T * d
                                                CausalAttention.backward(
                                                    dq: dq.baseAddress! + o, dk: dk.baseAddress! + o, dv: dv.baseAddress! + o,
                                                    dscores: dscores.baseAddress!, dout: dout.baseAddress! + o,
                                                    probs: probs.baseAddress! + b * H * T * T, q: q.baseAddress! + o,
                                                    keys: k.baseAddress! + o, values: v.baseAddress! + o, shape)
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        rotate(&s.dq, B: B, T: T, H: H, inverse: true)
        rotate(&s.dk, B: B, T: T, H: H, inverse: true)
        Layers.linearBackward(&s.dnorm, g + o.q, s.dq, a.norm1, w + o.q, rows: N, inFeatures: d, outFeatures: d, accumulate: false)
        Layers.linearBackward(&s.dnorm, g + o.k, s.dk, a.norm1, w + o.k, rows: N, inFeatures: d, outFeatures: d, accumulate: true)
        Layers.linearBackward(&s.dnorm, g + o.v, s.dv, a.norm1, w + o.v, rows: N, inFeatures: d, outFeatures: d, accumulate: true)
        Normalization.rmsBackward(&dx, dweight: g + o.norm1, s.dnorm, a.input, weight: w + o.norm1, rstd: a.rstd1, rows: N, d: d)
    }
    /// Rotates every head of x (B·T, H·hd) at its position t; `inverse` for the backward pass.
    private func rotate(_ x: inout [Float], B: Int, T: Int, H: Int, inverse: Bool) {
        let width = H * layout.shape.headDim
        x.withUnsafeMutableBufferPointer { xb in
            for b in 0..<B {
                for t in 0..<T { rotary.apply(xb.baseAddress! + (b * T + t) * width, heads: H, position: t, inverse: inverse) }
            }
        }
    }

    private func attentionShape(T: Int, H: Int, hd: Int) -> CausalAttention.Shape {
        CausalAttention.Shape(queries: T, past: 0, heads: H, kvHeads: H, headDim: hd, scale: 1 / Float(hd).squareRoot(),
                              ldq: H * hd, ldkv: H * hd, ldo: H * hd)
    }
}
