import Foundation
import ModelFiles
import Tensors

/// Which rows to compute logits for. The unembedding is the largest matrix of a small model, so
/// nothing is computed unless asked.
public enum LogitRequest: Sendable, Equatable {
    case none
    /// The last token of each sequence (what generation needs).
    case last
    /// Every token.
    case all
}

/// What a forward pass returns.
public struct ForwardOutput {
    /// (selected rows, vocab) when logits were asked for.
    public var logits: Tensor?
    /// For each logits row, its sequence (index into the batch) and position.
    public var logitSequence: [Int] = []
    public var logitPosition: [Int] = []
    /// How many blocks ran (fewer than the model has when the pass stopped at a hook).
    public var layersRun = 0

    /// The logits row of `sequence`'s last token (for `.last`).
    public func lastLogits(of sequence: Int) -> ArraySlice<Float>? {
        guard let logits, let r = logitSequence.lastIndex(of: sequence) else { return nil }
        return logits.row(r)
    }
}

extension TransformerModel {
    /// Runs `sequences` (token ids, of any lengths) as one packed batch.
    ///
    /// - `caches`: one per sequence to continue from its past tokens and append these (generation);
    ///   nil runs each sequence from position 0 without keeping keys and values.
    /// - `sequenceIDs`: what hooks see as each sequence's index (defaults to 0..<count).
    /// - The pass stops after the deepest hooked point when no logits and no caches are asked
    ///   for: extracting layer 6 of 24 runs layers 0–6 only.
    public func forward(_ sequences: [[Int]], caches: [KVCache]? = nil, sequenceIDs: [Int]? = nil,
                        hooks: Hooks? = nil, logits request: LogitRequest = .last,
                        isPrefill: Bool = true) throws -> ForwardOutput {
        guard !sequences.isEmpty else { return ForwardOutput() }
        let batch = try PackedBatch(sequences, caches: caches, ids: sequenceIDs, model: self)
        // Where the pass may stop: after the deepest hooked point, unless logits or caches need
        // every layer.
        var stop: HookPoint? = nil
        if request == .none && caches == nil {
            guard let deepest = hooks?.deepestPoint else { return ForwardOutput() }
            if deepest != .finalNormalized { stop = deepest }
        }
        let scratch = takeScratch()
        defer { returnScratch(scratch) }
        let pass = ForwardPass(model: self, batch: batch, caches: caches, hooks: hooks, stop: stop,
                               isPrefill: isPrefill, scratch: scratch)
        var output = ForwardOutput()
        if pass.embed() { return output }
        for l in 0..<config.layerCount {
            output.layersRun += 1
            if pass.attention(layer: l) || pass.mlp(layer: l) { return output }
        }
        if let caches {
            for (s, seq) in sequences.enumerated() { caches[s].length += seq.count }
        }
        if stop != nil { return output }
        pass.logits(request, into: &output)
        return output
    }
}

/// The rows of one packed batch: every sequence's tokens one after another, no padding rows.
struct PackedBatch {
    /// (T) token ids.
    var tokens: [Int] = []
    /// For each row, the caller's sequence id and the token's position (cached tokens counted).
    var rowSequence: [Int] = []
    var rowPosition: [Int] = []
    /// Rows of sequence s are rowStart[s] ..< rowStart[s] + lengths[s].
    var rowStart: [Int] = []
    var lengths: [Int] = []
    /// Tokens already in each sequence's cache.
    var past: [Int] = []

    var rows: Int { tokens.count }

    init(_ sequences: [[Int]], caches: [KVCache]?, ids: [Int]?, model: TransformerModel) throws {
        let c = model.config
        if let caches, caches.count != sequences.count {
            throw ForwardError("forward: \(caches.count) caches for \(sequences.count) sequences")
        }
        let ids = ids ?? Array(0..<sequences.count)
        for (s, seq) in sequences.enumerated() {
            guard !seq.isEmpty else { throw ForwardError("forward: sequence \(ids[s]) has no tokens") }
            let before = caches?[s].length ?? 0
            if let limit = model.maxSequenceLength, before + seq.count > limit {
                let allow = c.positionEncoding == .rotary ? " (--allow-long-prompts runs it anyway)" : ""
                throw ForwardError("sequence \(ids[s]) is \(before + seq.count) tokens long; the model allows \(limit) (max_position_embeddings)\(allow)")
            }
            rowStart.append(tokens.count)
            lengths.append(seq.count)
            past.append(before)
            for (i, t) in seq.enumerated() {
                guard t >= 0 && t < c.vocabSize else {
                    throw ForwardError("token id \(t) in sequence \(ids[s]) is outside the vocabulary (0..<\(c.vocabSize))")
                }
                tokens.append(t)
                rowSequence.append(ids[s])
                rowPosition.append(before + i)
            }
            caches?[s].reserve(before + seq.count)
        }
    }
}

/// The buffers of one forward pass. They only grow, and are kept by the model between calls so
/// that decode steps do not allocate fresh memory each time.
final class Scratch {
    final class Buffer {
        private(set) var pointer = UnsafeMutablePointer<Float>.allocate(capacity: 1)
        private(set) var capacity = 1

        /// At least `count` floats; contents are scratch, never read before written.
        @discardableResult
        func ensure(_ count: Int) -> UnsafeMutablePointer<Float> {
            if count > capacity {
                pointer.deallocate()
                pointer = .allocate(capacity: count)
                capacity = count
            }
            return pointer
        }

        deinit { pointer.deallocate() }
    }

    let x = Buffer()          // the residual stream (T, d)
    let normed = Buffer()     // (T, d)
    let qkv = Buffer()        // (T, qDim + 2·kvDim)
    let attention = Buffer()  // (T, qDim)
    let projected = Buffer()  // (T, d)
    let mlpIn = Buffer()      // (row block, mlpIn width)
    let mlpHidden = Buffer()  // (row block, ffn)
    let scores = Buffer()     // (query block, longest key run)
    let selected = Buffer()   // (logit rows, d)
    let tile: WeightTile

    init(parameters: Int) {
        tile = WeightTile(capacity: WeightTile.capacity(forParameters: parameters))
    }
}

/// One forward pass over a packed batch, as the steps `forward` runs in order. Each step returns
/// true when the pass stops there (after the deepest hooked point).
struct ForwardPass {
    let model: TransformerModel
    let batch: PackedBatch
    let caches: [KVCache]?
    let hooks: Hooks?
    let stop: HookPoint?
    let isPrefill: Bool
    let scratch: Scratch
    let x: UnsafeMutablePointer<Float>
    /// Rows of the MLP processed at a time, so its (rows, 2·ffn) buffers stay bounded on long prompts.
    static let mlpRowBlock = 2048

    init(model: TransformerModel, batch: PackedBatch, caches: [KVCache]?, hooks: Hooks?, stop: HookPoint?,
         isPrefill: Bool, scratch: Scratch) {
        self.model = model
        self.batch = batch
        self.caches = caches
        self.hooks = hooks
        self.stop = stop
        self.isPrefill = isPrefill
        self.scratch = scratch
        x = scratch.x.ensure(batch.rows * model.config.dModel)
    }

    private var config: ModelConfig { model.config }
    private var T: Int { batch.rows }

    /// Runs the hooks at `point` on (T, width) values at `buffer`; true when the pass stops here.
    private func emit(_ point: HookPoint, _ buffer: UnsafeMutablePointer<Float>, width: Int) -> Bool {
        if let hooks, hooks.wants(point) {
            hooks.run(HookActivation(point: point, values: UnsafeMutableBufferPointer(start: buffer, count: T * width),
                                     rows: T, width: width, sequence: batch.rowSequence, position: batch.rowPosition,
                                     isPrefill: isPrefill))
        }
        return stop == point
    }

    private func normalize(_ input: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, rows: Int, _ norm: NormWeights) {
        let d = config.dModel
        norm.weight.withUnsafeBufferPointer { w in
            if let bias = norm.bias {
                bias.withUnsafeBufferPointer { b in
                    Normalization.layerForward(out, input, weight: w.baseAddress!, bias: b.baseAddress!, rows: rows, d: d, eps: config.normEps)
                }
            } else {
                Normalization.rmsForward(out, input, weight: w.baseAddress!, rows: rows, d: d, eps: config.normEps)
            }
        }
    }

    /// hook_embed: token embeddings, plus learned positions (GPT-2).
    func embed() -> Bool {
        let d = config.dModel
        let table = model.weights.embedding
        batch.tokens.withUnsafeBufferPointer { Embedding.forward(x, tokens: $0, table: table.base, dtype: table.dtype, d: d) }
        if let positions = model.weights.positionEmbedding {
            let row = scratch.normed.ensure(d)
            for r in 0..<T {
                positions.widenRows(batch.rowPosition[r]..<(batch.rowPosition[r] + 1), into: row)
                Kernels.add(x + r * d, row, d)
            }
        }
        return emit(.embed, x, width: d)
    }

    /// hook_resid_pre, attention, hook_attn_out, hook_resid_mid.
    func attention(layer l: Int) -> Bool {
        let c = config, d = c.dModel, block = model.weights.blocks[l]
        if emit(.residPre(l), x, width: d) { return true }
        let normed = scratch.normed.ensure(T * d)
        normalize(x, into: normed, rows: T, block.attentionNorm)
        let width = c.qDim + 2 * c.kvDim
        let qkv = scratch.qkv.ensure(T * width)
        block.qkv.apply(normed, rows: T, into: qkv, tile: scratch.tile)
        if let rotary = model.rotary {
            // q heads and k heads are contiguous in a row, and both rotate at its position.
            for r in 0..<T { rotary.apply(qkv + r * width, heads: c.headCount + c.kvHeadCount, position: batch.rowPosition[r]) }
        }
        attend(layer: l, qkv: qkv, width: width)
        let projected = scratch.projected.ensure(T * d)
        block.output.apply(scratch.attention.pointer, rows: T, into: projected, tile: scratch.tile)
        if emit(.attnOut(l), projected, width: d) { return true }
        Kernels.add(x, projected, T * d)
        return emit(.residMid(l), x, width: d)
    }

    /// Causal self-attention of every sequence from qkv (T, q | k | v) into `scratch.attention`
    /// (T, qDim), keys and values appended to each sequence's cache first when there is one.
    private func attend(layer l: Int, qkv: UnsafeMutablePointer<Float>, width: Int) {
        let c = config
        var scale = 1 / Float(c.headDim).squareRoot()
        if c.scaleAttentionByInverseLayer { scale /= Float(l + 1) }
        let out = scratch.attention.ensure(T * c.qDim)
        var longest = 0
        for s in batch.lengths.indices {
            longest = max(longest, CausalAttention.scratchCount(queries: batch.lengths[s], keys: batch.past[s] + batch.lengths[s]))
        }
        let scores = scratch.scores.ensure(longest)
        for s in batch.lengths.indices {
            let n = batch.lengths[s], past = batch.past[s], r0 = batch.rowStart[s]
            let q = qkv + r0 * width
            var keys = UnsafePointer(q + c.qDim), values = UnsafePointer(q + c.qDim + c.kvDim)
            var ldkv = width
            if let cache = caches?[s] {
                for i in 0..<n {
                    (cache.keys[l] + (past + i) * c.kvDim).update(from: q + i * width + c.qDim, count: c.kvDim)
                    (cache.values[l] + (past + i) * c.kvDim).update(from: q + i * width + c.qDim + c.kvDim, count: c.kvDim)
                }
                keys = UnsafePointer(cache.keys[l])
                values = UnsafePointer(cache.values[l])
                ldkv = c.kvDim
            }
            let shape = CausalAttention.Shape(queries: n, past: past, heads: c.headCount, kvHeads: c.kvHeadCount,
                                              headDim: c.headDim, scale: scale, window: c.slidingWindow,
                                              ldq: width, ldkv: ldkv, ldo: c.qDim)
            CausalAttention.forward(out + r0 * c.qDim, scores: scores, q: q, keys: keys, values: values, shape)
        }
    }

    /// The MLP, hook_mlp_out, hook_resid_post.
    func mlp(layer l: Int) -> Bool {
        let c = config, d = c.dModel, block = model.weights.blocks[l]
        let normed = scratch.normed.ensure(T * d)
        normalize(x, into: normed, rows: T, block.mlpNorm)
        let projected = scratch.projected.ensure(T * d)
        let rowBlock = min(T, Self.mlpRowBlock)
        let inWidth = block.mlpIn.outFeatures
        let hiddenIn = scratch.mlpIn.ensure(rowBlock * inWidth)
        let hidden = c.gatedMLP ? scratch.mlpHidden.ensure(rowBlock * c.intermediateSize) : hiddenIn
        var r0 = 0
        while r0 < T {
            let rows = min(rowBlock, T - r0)
            block.mlpIn.apply(normed + r0 * d, rows: rows, into: hiddenIn, tile: scratch.tile)
            if c.gatedMLP {
                GatedActivation.forward(hidden, gate: hiddenIn, up: hiddenIn + c.intermediateSize, ld: inWidth,
                                        rows: rows, width: c.intermediateSize, activation: model.activation)
            } else {
                Kernels.activate(hiddenIn, rows * inWidth, model.activation)
            }
            block.mlpOut.apply(hidden, rows: rows, into: projected + r0 * d, tile: scratch.tile)
            r0 += rows
        }
        if emit(.mlpOut(l), projected, width: d) { return true }
        Kernels.add(x, projected, T * d)
        return emit(.residPost(l), x, width: d)
    }

    /// ln_final.hook_normalized (on every row when hooked, else only on the rows whose logits are
    /// asked for) and the logits.
    func logits(_ request: LogitRequest, into output: inout ForwardOutput) {
        let c = config, d = c.dModel
        let logitRows: [Int]
        switch request {
        case .none: logitRows = []
        case .all: logitRows = Array(0..<T)
        case .last: logitRows = batch.lengths.indices.map { batch.rowStart[$0] + batch.lengths[$0] - 1 }
        }
        let R = logitRows.count
        let selected = scratch.selected.ensure(max(R, 1) * d)
        if hooks?.wants(.finalNormalized) ?? false {
            let normed = scratch.normed.ensure(T * d)
            normalize(x, into: normed, rows: T, model.weights.finalNorm)
            _ = emit(.finalNormalized, normed, width: d)
            for (i, r) in logitRows.enumerated() { (selected + i * d).update(from: normed + r * d, count: d) }
        } else {
            let gathered = scratch.normed.ensure(max(R, 1) * d)
            for (i, r) in logitRows.enumerated() { (gathered + i * d).update(from: x + r * d, count: d) }
            normalize(gathered, into: selected, rows: R, model.weights.finalNorm)
        }
        guard R > 0 else { return }
        var logits = Tensor(zeros: [R, c.vocabSize])
        logits.storage.withUnsafeMutableBufferPointer { lb in
            WeightProducts.multiply(selected, rows: R, model.weights.unembedding, layout: .outputMajor,
                                    into: lb.baseAddress!, tile: scratch.tile)
        }
        output.logits = logits
        output.logitSequence = logitRows.map { batch.rowSequence[$0] }
        output.logitPosition = logitRows.map { batch.rowPosition[$0] }
    }
}
