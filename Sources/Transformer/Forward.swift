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

/// The buffers of one forward pass. They only grow, and are kept by the model between calls so
/// that decode steps do not allocate and zero fresh memory each time.
struct Scratch {
    var normed: [Float] = []     // (tokens, d)
    var qkv: [Float] = []        // (tokens, qDim + 2·kvDim)
    var attention: [Float] = []  // (tokens, qDim)
    var projected: [Float] = []  // (tokens, d)
    var mlpIn: [Float] = []      // (tokens, mlpIn width)
    var mlpHidden: [Float] = []  // (tokens, ffn)
    var scores: [Float] = []     // (longest query run, longest key run)
    var cos: [Float] = []
    var sin: [Float] = []

    /// Grows the buffer to at least `count` floats (contents are scratch: never read before written).
    mutating func ensure(_ field: WritableKeyPath<Scratch, [Float]>, _ count: Int) {
        if self[keyPath: field].count < count {
            self[keyPath: field] = [Float](repeating: 0, count: count)
        }
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
        let c = config
        let d = c.dModel
        guard !sequences.isEmpty else { return ForwardOutput() }
        if let caches, caches.count != sequences.count {
            throw ForwardError("forward: \(caches.count) caches for \(sequences.count) sequences")
        }
        let ids = sequenceIDs ?? Array(0..<sequences.count)
        // Row bookkeeping: rows of sequence s are rowStart[s] ..< rowStart[s] + count.
        var rowStart: [Int] = []
        var rowSequence: [Int] = []
        var rowPosition: [Int] = []
        var tokens: [Int] = []
        for (s, seq) in sequences.enumerated() {
            guard !seq.isEmpty else { throw ForwardError("forward: sequence \(ids[s]) has no tokens") }
            let past = caches?[s].length ?? 0
            rowStart.append(tokens.count)
            for (i, t) in seq.enumerated() {
                guard t >= 0 && t < c.vocabSize else {
                    throw ForwardError("token id \(t) in sequence \(ids[s]) is outside the vocabulary (0..<\(c.vocabSize))")
                }
                tokens.append(t)
                rowSequence.append(ids[s])
                rowPosition.append(past + i)
            }
            if c.architecture == .gpt2, past + seq.count > c.maxPositions {
                throw ForwardError("sequence \(ids[s]) is \(past + seq.count) tokens long; GPT-2 has \(c.maxPositions) positions")
            }
            caches?[s].reserve(past + seq.count)
        }
        let T = tokens.count

        // Where the pass may stop: after the deepest hooked point, unless logits or caches
        // need every layer.
        var stopPoint: HookPoint? = .finalNormalized
        if request == .none && caches == nil {
            stopPoint = hooks?.deepestPoint
            if stopPoint == nil { return ForwardOutput() }
        }
        func done(_ p: HookPoint) -> Bool { stopPoint.map { p >= $0 && $0 != .finalNormalized } ?? false }

        var x = [Float](repeating: 0, count: T * d)  // the residual stream, (T, d)
        let qkvWidth = c.qDim + 2 * c.kvDim
        var longestQuery = 0, longestKeys = 0
        for (s, seq) in sequences.enumerated() {
            longestQuery = max(longestQuery, seq.count)
            longestKeys = max(longestKeys, (caches?[s].length ?? 0) + seq.count)
        }
        var scratch = takeScratch()
        scratch.ensure(\.normed, T * d)
        scratch.ensure(\.qkv, T * qkvWidth)
        scratch.ensure(\.attention, T * c.qDim)
        scratch.ensure(\.projected, T * d)
        scratch.ensure(\.mlpIn, T * weights.blocks[0].mlpIn.outFeatures)
        scratch.ensure(\.mlpHidden, c.architecture.isLlamaFamily ? T * c.intermediateSize : 0)
        scratch.ensure(\.scores, longestQuery * longestKeys)
        scratch.ensure(\.cos, c.headDim / 2 + 1)
        scratch.ensure(\.sin, c.headDim / 2 + 1)
        defer { returnScratch(scratch) }

        func hook(_ point: HookPoint, _ buffer: UnsafeMutablePointer<Float>, width: Int) {
            guard let hooks, hooks.wants(point) else { return }
            hooks.run(HookActivation(point: point, values: UnsafeMutableBufferPointer(start: buffer, count: T * width),
                                     rows: T, width: width, sequence: rowSequence, position: rowPosition,
                                     isPrefill: isPrefill))
        }

        // Embedding: (T, d) rows of the token embedding, plus learned positions for GPT-2.
        x.withUnsafeMutableBufferPointer { xb in
            weights.embedding.withUnsafeBufferPointer { e in
                for r in 0..<T {
                    (xb.baseAddress! + r * d).update(from: e.baseAddress! + tokens[r] * d, count: d)
                }
            }
            if let positions = weights.positionEmbedding {
                positions.withUnsafeBufferPointer { pe in
                    for r in 0..<T {
                        Kernels.add(xb.baseAddress! + r * d, pe.baseAddress! + rowPosition[r] * d, d)
                    }
                }
            }
            hook(.embed, xb.baseAddress!, width: d)
        }
        if done(.embed) { return ForwardOutput() }

        var layersRun = 0
        layers: for l in 0..<c.layerCount {
            let block = weights.blocks[l]
            layersRun += 1
            var finished = false
            x.withUnsafeMutableBufferPointer { xb in
                let xp = xb.baseAddress!
                hook(.residPre(l), xp, width: d)
                if done(.residPre(l)) { finished = true; return }
                // Attention sub-block.
                scratch.normed.withUnsafeMutableBufferPointer { nb in
                    normalize(xp, into: nb.baseAddress!, rows: T, weight: block.norm1Weight, bias: block.norm1Bias)
                    scratch.qkv.withUnsafeMutableBufferPointer { qb in
                        block.qkv.apply(nb.baseAddress!, rows: T, into: qb.baseAddress!)
                    }
                }
                attend(layer: l, scratch: &scratch, rowStart: rowStart, sequences: sequences,
                       rowPosition: rowPosition, caches: caches)
                scratch.attention.withUnsafeBufferPointer { ab in
                    scratch.projected.withUnsafeMutableBufferPointer { pb in
                        block.output.apply(ab.baseAddress!, rows: T, into: pb.baseAddress!)
                        hook(.attnOut(l), pb.baseAddress!, width: d)
                        Kernels.add(xp, pb.baseAddress!, T * d)
                    }
                }
                if done(.attnOut(l)) { finished = true; return }
                hook(.residMid(l), xp, width: d)
                if done(.residMid(l)) { finished = true; return }
                // MLP sub-block.
                scratch.normed.withUnsafeMutableBufferPointer { nb in
                    normalize(xp, into: nb.baseAddress!, rows: T, weight: block.norm2Weight, bias: block.norm2Bias)
                    scratch.mlpIn.withUnsafeMutableBufferPointer { mb in
                        block.mlpIn.apply(nb.baseAddress!, rows: T, into: mb.baseAddress!)
                        scratch.projected.withUnsafeMutableBufferPointer { pb in
                            if c.architecture.isLlamaFamily {
                                scratch.mlpHidden.withUnsafeMutableBufferPointer { hb in
                                    Kernels.gatedActivation(mb.baseAddress!, into: hb.baseAddress!, rows: T,
                                                            width: c.intermediateSize, activation: activation)
                                    block.mlpOut.apply(hb.baseAddress!, rows: T, into: pb.baseAddress!)
                                }
                            } else {
                                Kernels.activate(mb.baseAddress!, T * block.mlpIn.outFeatures, activation)
                                block.mlpOut.apply(mb.baseAddress!, rows: T, into: pb.baseAddress!)
                            }
                            hook(.mlpOut(l), pb.baseAddress!, width: d)
                            Kernels.add(xp, pb.baseAddress!, T * d)
                        }
                    }
                }
                if done(.mlpOut(l)) { finished = true; return }
                hook(.residPost(l), xp, width: d)
                if done(.residPost(l)) { finished = true; return }
            }
            if finished { break layers }
        }
        if let caches {
            for (s, seq) in sequences.enumerated() { caches[s].length += seq.count }
        }
        if let stop = stopPoint, stop != .finalNormalized {
            var output = ForwardOutput()
            output.layersRun = layersRun
            return output
        }

        // Final norm: on every row when hooked, otherwise only on the rows whose logits are asked for.
        var logitRows: [Int]
        switch request {
        case .none: logitRows = []
        case .all: logitRows = Array(0..<T)
        case .last: logitRows = sequences.indices.map { rowStart[$0] + sequences[$0].count - 1 }
        }
        var output = ForwardOutput()
        output.layersRun = layersRun
        let finalHooked = hooks?.wants(.finalNormalized) ?? false
        var selected: [Float]
        if finalHooked {
            x.withUnsafeMutableBufferPointer { xb in
                scratch.normed.withUnsafeMutableBufferPointer { nb in
                    normalize(xb.baseAddress!, into: nb.baseAddress!, rows: T, weight: weights.finalNormWeight, bias: weights.finalNormBias)
                    hook(.finalNormalized, nb.baseAddress!, width: d)
                }
            }
            selected = logitRows.count == T ? Array(scratch.normed[0..<(T * d)]) : logitRows.flatMap { scratch.normed[($0 * d)..<(($0 + 1) * d)] }
        } else {
            var gathered = logitRows.count == T ? x : logitRows.flatMap { x[($0 * d)..<(($0 + 1) * d)] }
            selected = [Float](repeating: 0, count: gathered.count)
            gathered.withUnsafeMutableBufferPointer { g in
                selected.withUnsafeMutableBufferPointer { s in
                    normalize(g.baseAddress!, into: s.baseAddress!, rows: logitRows.count, weight: weights.finalNormWeight, bias: weights.finalNormBias)
                }
            }
        }
        guard !logitRows.isEmpty else { return output }
        let R = logitRows.count
        var logits = Tensor(zeros: [R, c.vocabSize])
        let unembedding = weights.unembedding ?? weights.embedding
        selected.withUnsafeBufferPointer { sb in
            unembedding.withUnsafeBufferPointer { eb in
                logits.storage.withUnsafeMutableBufferPointer { lb in
                    if R <= Linear.gemvRows {
                        for r in 0..<R {
                            BLAS.sgemv(m: c.vocabSize, n: d, a: eb.baseAddress!, x: sb.baseAddress! + r * d,
                                       y: lb.baseAddress! + r * c.vocabSize)
                        }
                    } else {
                        BLAS.sgemm(transB: true, m: R, n: c.vocabSize, k: d, a: sb.baseAddress!, b: eb.baseAddress!, c: lb.baseAddress!)
                    }
                }
            }
        }
        output.logits = logits
        output.logitSequence = logitRows.map { rowSequence[$0] }
        output.logitPosition = logitRows.map { rowPosition[$0] }
        return output
    }

    /// RMSNorm (Llama family) or LayerNorm (GPT-2) of (rows, d).
    private func normalize(_ x: UnsafeMutablePointer<Float>, into out: UnsafeMutablePointer<Float>, rows: Int,
                           weight: [Float], bias: [Float]?) {
        weight.withUnsafeBufferPointer { w in
            if let bias {
                bias.withUnsafeBufferPointer { b in
                    Kernels.layerNorm(x, into: out, rows: rows, width: config.dModel, weight: w.baseAddress!,
                                      bias: b.baseAddress!, eps: config.normEps)
                }
            } else {
                Kernels.rmsNorm(x, into: out, rows: rows, width: config.dModel, weight: w.baseAddress!, eps: config.normEps)
            }
        }
    }

    /// Causal self-attention of every sequence, from `scratch.qkv` (tokens, q | k | v) into
    /// `scratch.attention` (tokens, qDim). Rotary embeddings are applied to q and k first.
    /// Matches `eager_attention_forward` (transformers/models/llama/modeling_llama.py) and
    /// `GPT2Attention._attn`.
    private func attend(layer l: Int, scratch: inout Scratch, rowStart: [Int], sequences: [[Int]],
                        rowPosition: [Int], caches: [KVCache]?) {
        let c = config
        let hd = c.headDim
        let qkvWidth = c.qDim + 2 * c.kvDim
        let group = c.headCount / c.kvHeadCount
        var scale = 1 / Float(hd).squareRoot()
        if c.scaleAttentionByInverseLayer { scale /= Float(l + 1) }
        let T = rowPosition.count
        scratch.qkv.withUnsafeMutableBufferPointer { qb in
            let qkv = qb.baseAddress!
            if let rotary {
                scratch.cos.withUnsafeMutableBufferPointer { cb in
                    scratch.sin.withUnsafeMutableBufferPointer { sb in
                        for r in 0..<T {
                            let row = qkv + r * qkvWidth
                            // q heads and k heads are contiguous, and both rotate at this position.
                            rotary.apply(row, heads: c.headCount + c.kvHeadCount, position: rowPosition[r],
                                         cos: cb.baseAddress!, sin: sb.baseAddress!)
                        }
                    }
                }
            }
            scratch.attention.withUnsafeMutableBufferPointer { ab in
                scratch.scores.withUnsafeMutableBufferPointer { sb in
                    for (s, seq) in sequences.enumerated() {
                        let n = seq.count
                        let r0 = rowStart[s]
                        let past = caches?[s].length ?? 0
                        let total = past + n
                        let q = qkv + r0 * qkvWidth
                        var keys: UnsafePointer<Float>
                        var values: UnsafePointer<Float>
                        var ld: Int
                        if let cache = caches?[s] {
                            // Append this call's keys and values, then attend over the whole cache.
                            for i in 0..<n {
                                (cache.keys[l] + (past + i) * c.kvDim).update(from: q + i * qkvWidth + c.qDim, count: c.kvDim)
                                (cache.values[l] + (past + i) * c.kvDim).update(from: q + i * qkvWidth + c.qDim + c.kvDim, count: c.kvDim)
                            }
                            keys = UnsafePointer(cache.keys[l])
                            values = UnsafePointer(cache.values[l])
                            ld = c.kvDim
                        } else {
                            keys = UnsafePointer(q + c.qDim)
                            values = UnsafePointer(q + c.qDim + c.kvDim)
                            ld = qkvWidth
                        }
                        let scores = sb.baseAddress!
                        for h in 0..<c.headCount {
                            let kvHead = h / group
                            // scores (n, total) = scale · q_h (n, hd) · k_kvHeadᵀ (hd, total)
                            BLAS.sgemm(transB: true, m: n, n: total, k: hd, alpha: scale,
                                       a: q + h * hd, lda: qkvWidth,
                                       b: keys + kvHead * hd, ldb: ld,
                                       c: scores, ldc: total)
                            for i in 0..<n {
                                let row = scores + i * total
                                let queryPosition = past + i
                                var first = 0
                                if let window = c.slidingWindow { first = max(0, queryPosition - window + 1) }
                                let allowed = queryPosition + 1 - first
                                if first > 0 { for j in 0..<first { row[j] = 0 } }
                                Kernels.softmax(row + first, allowed)
                                for j in (queryPosition + 1)..<max(total, queryPosition + 1) { row[j] = 0 }
                            }
                            // out_h (n, hd) = p (n, total) · v_kvHead (total, hd)
                            BLAS.sgemm(m: n, n: hd, k: total, a: scores, lda: total,
                                       b: values + kvHead * hd, ldb: ld,
                                       c: ab.baseAddress! + r0 * c.qDim + h * hd, ldc: c.qDim)
                        }
                    }
                }
            }
        }
    }
}
