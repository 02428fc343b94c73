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
/// allocation each, activations of the last forward kept for backward in a workspace reused
/// across steps. q, k and v (and gate and up) lie one after another in the layout, so each
/// triple (pair) is one matrix product with fused rows; row-wise kernels and the sequences'
/// attention run on `BLAS.threadCount` threads, the matrix products on OpenBLAS's. The
/// cross-entropy step computes only the rows that reach the loss (`PackedRows`).
public final class TrainingModel {
    /// Names, shapes and offsets of the tensors in `parameters` and `gradients`.
    public let layout: ParameterLayout
    /// Every weight, in `layout` order (one allocation).
    public var parameters: [Float]
    /// dloss/dparameters of the last `lossAndGradients` call, same layout.
    public var gradients: [Float]
    /// The same rotary frequencies the inference forward uses.
    private let rotary: RotaryEmbedding
    private let workspace = TrainingWorkspace()
    /// The rows of the last `forward` and how many workers its attention used.
    private var last: (rows: PackedRows, workers: Int)?

    /// A model over `parameters` (e.g. `layout.initialWeights(seed:)` or `layout.load(_:)`).
    public init(layout: ParameterLayout, parameters: [Float]) {
        precondition(parameters.count == layout.count, "TrainingModel: parameter count does not match the layout")
        let s = layout.shape
        for o in layout.blocks {
            precondition(o.k == o.q + s.dModel * s.dModel && o.v == o.k + s.dModel * s.dModel && o.up == o.gate + s.ffn * s.dModel,
                         "TrainingModel: q, k, v and gate, up must be adjacent in the layout")
        }
        self.layout = layout
        self.parameters = parameters
        gradients = [Float](repeating: 0, count: layout.count)
        rotary = RotaryEmbedding(headDim: s.headDim, inverseFrequencies: RotaryEmbedding.frequencies(headDim: s.headDim, theta: s.ropeTheta))
    }

    /// Forward and backward on `batch`: returns the masked mean cross-entropy and leaves
    /// dloss/dparameters in `gradients` (overwritten).
    public func lossAndGradients(_ batch: Batch) -> Float {
        let counted = batch.mask.reduce(0, +)
        guard counted != 0 else {
            // No position counts: the loss and every gradient are zero.
            gradients.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            last = nil
            return 0
        }
        let rows = PackedRows(scoring: batch, heads: layout.shape.heads)
        let targets = PackedRows.scoredValues(batch.targets, of: batch)
        let weights = PackedRows.scoredValues(batch.mask, of: batch).map { $0 / counted }
        run(rows, maxPositions: batch.length)
        let loss = Layers.crossEntropyForwardBackward(workspace.logits, targets: targets, weights: weights, vocab: layout.shape.vocabSize)
        backward()
        return loss
    }

    /// Runs the forward pass on `batch.tokens` (targets and mask are not used), keeping every
    /// activation for `backward`, and hands the (B·T, V) logits to `lossHead`. The head returns
    /// its loss and must overwrite the logits with dloss/dlogits before it returns: `backward()`
    /// starts from them. Objectives other than cross-entropy (e.g. the policy gradient with a KL
    /// penalty) are heads.
    public func forward<Loss>(_ batch: Batch, lossHead: (UnsafeMutablePointer<Float>) throws -> Loss) rethrows -> Loss {
        run(PackedRows(all: batch, heads: layout.shape.heads), maxPositions: batch.length)
        return try lossHead(workspace.logits)
    }

    /// The forward pass over `rows`, up to the logits of the scored rows.
    private func run(_ rows: PackedRows, maxPositions T: Int) {
        let s = layout.shape
        precondition(T <= s.maxPositions, "batch length \(T) exceeds max positions \(s.maxPositions)")
        let N = rows.rows, d = s.dModel
        let workers = max(1, min(BLAS.threadCount, rows.lengths.count))
        let ws = workspace
        ws.prepare(s, rows: N, attention: rows.attentionFloats, maxT: rows.maxLength, scored: rows.scored?.count ?? N, workers: workers)
        Layers.rotaryTable(ws.cos, ws.sin, frequencies: rotary.inverseFrequencies, positions: rows.maxLength)
        last = (rows, workers)
        parameters.withUnsafeBufferPointer { wp in
            let w = wp.baseAddress!
            rows.tokens.withUnsafeBufferPointer {
                Embedding.forward(ws.residual[0], tokens: $0, table: UnsafeRawPointer(w + layout.embed), dtype: .f32, d: d)
            }
            rows.positions.withUnsafeBufferPointer { positions in
                for l in 0..<s.layers { forwardBlock(l, w: w, rows: rows, positions: positions.baseAddress!) }
            }
            Layers.rmsForward(ws.finalNormed, rstd: ws.finalRstd, ws.residual[s.layers], weight: w + layout.finalNorm,
                              rows: N, d: d, eps: s.normEps)
            if let scored = rows.scored {
                for (i, r) in scored.enumerated() { (ws.scoredNormed + i * d).update(from: ws.finalNormed + r * d, count: d) }
                Layers.linearForward(ws.logits, ws.scoredNormed, w + layout.lmHead, rows: scored.count, inFeatures: d, outFeatures: s.vocabSize)
            } else {
                Layers.linearForward(ws.logits, ws.finalNormed, w + layout.lmHead, rows: N, inFeatures: d, outFeatures: s.vocabSize)
            }
        }
    }

    /// Backpropagates the dloss/dlogits the last `forward`'s head left, overwriting `gradients`.
    public func backward() {
        guard let (rows, workers) = last else { preconditionFailure("TrainingModel.backward() before forward()") }
        let s = layout.shape
        let N = rows.rows, d = s.dModel
        let ws = workspace
        gradients.withUnsafeMutableBufferPointer { gp in
            let g = gp.baseAddress!
            parameters.withUnsafeBufferPointer { wp in
                let w = wp.baseAddress!
                if let scored = rows.scored {
                    // dattn is free until the first block: it holds d scoredNormed (M, d).
                    Layers.linearBackward(ws.dattn, g + layout.lmHead, ws.logits, ws.scoredNormed, w + layout.lmHead,
                                          rows: scored.count, inFeatures: d, outFeatures: s.vocabSize, accumulate: false)
                    ws.dnorm.update(repeating: 0, count: N * d)
                    for (i, r) in scored.enumerated() { (ws.dnorm + r * d).update(from: ws.dattn + i * d, count: d) }
                } else {
                    Layers.linearBackward(ws.dnorm, g + layout.lmHead, ws.logits, ws.finalNormed, w + layout.lmHead,
                                          rows: N, inFeatures: d, outFeatures: s.vocabSize, accumulate: false)
                }
                Layers.rmsBackward(ws.dx, dweight: g + layout.finalNorm, partials: ws.normPartials, ws.dnorm, ws.residual[s.layers],
                                   weight: w + layout.finalNorm, rstd: ws.finalRstd, rows: N, d: d, accumulate: false)
                rows.positions.withUnsafeBufferPointer { positions in
                    for l in stride(from: s.layers - 1, through: 0, by: -1) {
                        backwardBlock(l, w: w, g: g, rows: rows, positions: positions.baseAddress!, workers: workers)
                    }
                }
                // Every other slot is overwritten; the embedding's rows are scattered into.
                (g + layout.embed).update(repeating: 0, count: s.vocabSize * d)
                rows.tokens.withUnsafeBufferPointer { Embedding.backward(g + layout.embed, ws.dx, tokens: $0, d: d) }
            }
        }
    }

    private func attentionShape(T: Int) -> CausalAttention.Shape {
        let s = layout.shape
        return CausalAttention.Shape(queries: T, past: 0, heads: s.heads, kvHeads: s.heads, headDim: s.headDim,
                                     scale: 1 / Float(s.headDim).squareRoot(), ldq: 3 * s.dModel, ldkv: 3 * s.dModel, ldo: s.dModel)
    }

    /// Block l: residual[l + 1] = mid + down(silu(gate(n2)) · up(n2)), n2 = norm2(mid),
    /// mid = residual[l] + o_proj(attn(q, k, v)), q|k|v = qkv_proj(norm1(residual[l])).
    private func forwardBlock(_ l: Int, w: UnsafePointer<Float>, rows: PackedRows, positions: UnsafePointer<Int32>) {
        let s = layout.shape, ws = workspace, a = ws.blocks[l], o = layout.blocks[l]
        let N = rows.rows, d = s.dModel, f = s.ffn
        let x = ws.residual[l], next = ws.residual[l + 1]
        Layers.rmsForward(a.norm1, rstd: a.rstd1, x, weight: w + o.norm1, rows: N, d: d, eps: s.normEps)
        Layers.linearForward(a.qkv, a.norm1, w + o.q, rows: N, inFeatures: d, outFeatures: 3 * d)
        // q and k are the first 2H heads of each q|k|v row.
        Layers.rotate(a.qkv, ld: 3 * d, rows: N, positions: positions, heads: 2 * s.heads, headDim: s.headDim,
                      cos: ws.cos, sin: ws.sin, inverse: false)
        RowBlocks.parallel(items: rows.lengths.count) { b in
            let T = rows.lengths[b], start = rows.starts[b]
            guard T > 0 else { return }
            let qkv = a.qkv + start * 3 * d
            CausalAttention.forward(a.attn + start * d, probs: a.probs + rows.attentionOffsets[b],
                                    q: qkv, keys: qkv + d, values: qkv + 2 * d, attentionShape(T: T))
        }
        a.mid.update(from: x, count: N * d)
        Layers.linearForward(a.mid, a.attn, w + o.o, rows: N, inFeatures: d, outFeatures: d, accumulate: true)
        Layers.rmsForward(a.norm2, rstd: a.rstd2, a.mid, weight: w + o.norm2, rows: N, d: d, eps: s.normEps)
        Layers.linearForward(a.gateUp, a.norm2, w + o.gate, rows: N, inFeatures: d, outFeatures: 2 * f)
        RowBlocks.forEach(rows: N) { _, range in
            let first = range.lowerBound
            GatedActivation.forward(a.hidden + first * f, gate: a.gateUp + first * 2 * f, up: a.gateUp + first * 2 * f + f,
                                    ld: 2 * f, rows: range.count, width: f, activation: .silu)
        }
        next.update(from: a.mid, count: N * d)
        Layers.linearForward(next, a.hidden, w + o.down, rows: N, inFeatures: f, outFeatures: d, accumulate: true)
    }

    /// workspace.dx holds dloss/d(block l's output) on entry and dloss/d(its input) on return.
    private func backwardBlock(_ l: Int, w: UnsafePointer<Float>, g: UnsafeMutablePointer<Float>, rows: PackedRows,
                               positions: UnsafePointer<Int32>, workers: Int) {
        let s = layout.shape, ws = workspace, a = ws.blocks[l], o = layout.blocks[l]
        let N = rows.rows, d = s.dModel, f = s.ffn, maxT = rows.maxLength
        // MLP
        Layers.linearBackward(ws.dhidden, g + o.down, ws.dx, a.hidden, w + o.down, rows: N, inFeatures: f, outFeatures: d, accumulate: false)
        Layers.swigluBackward(ws.dgateUp, ws.dhidden, gateUp: a.gateUp, rows: N, f: f)
        Layers.linearBackward(ws.dnorm, g + o.gate, ws.dgateUp, a.norm2, w + o.gate, rows: N, inFeatures: d, outFeatures: 2 * f, accumulate: false)
        Layers.rmsBackward(ws.dx, dweight: g + o.norm2, partials: ws.normPartials, ws.dnorm, a.mid, weight: w + o.norm2,
                           rstd: a.rstd2, rows: N, d: d, accumulate: true)
        // attention
        Layers.linearBackward(ws.dattn, g + o.o, ws.dx, a.attn, w + o.o, rows: N, inFeatures: d, outFeatures: d, accumulate: false)
        RowBlocks.workerRanges(items: rows.lengths.count, workers: workers) { worker, sequences in
            for b in sequences {
                let T = rows.lengths[b], start = rows.starts[b]
                guard T > 0 else { continue }
                let qkv = a.qkv + start * 3 * d, dqkv = ws.dqkv + start * 3 * d
                CausalAttention.backward(dq: dqkv, dk: dqkv + d, dv: dqkv + 2 * d, dscores: ws.dscores + worker * maxT * maxT,
                                         dout: ws.dattn + start * d, probs: a.probs + rows.attentionOffsets[b],
                                         q: qkv, keys: qkv + d, values: qkv + 2 * d, attentionShape(T: T))
            }
        }
        Layers.rotate(ws.dqkv, ld: 3 * d, rows: N, positions: positions, heads: 2 * s.heads, headDim: s.headDim,
                      cos: ws.cos, sin: ws.sin, inverse: true)
        Layers.linearBackward(ws.dnorm, g + o.q, ws.dqkv, a.norm1, w + o.q, rows: N, inFeatures: d, outFeatures: 3 * d, accumulate: false)
        Layers.rmsBackward(ws.dx, dweight: g + o.norm1, partials: ws.normPartials, ws.dnorm, ws.residual[l], weight: w + o.norm1,
                           rstd: a.rstd1, rows: N, d: d, accumulate: true)
    }
}
