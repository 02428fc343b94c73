import Dispatch
import Foundation
import ModelFiles
import Tensors

/// How a model's weights are held in memory.
public enum WeightPrecision: String, Sendable, CaseIterable {
    /// As stored: BF16/F16/F32 used in place from the memory-mapped safetensors files.
    case stored
    /// Widened to Float32 at load (twice the memory of a BF16 checkpoint).
    case f32
}

/// What `TransformerModel.load` may do.
public struct LoadOptions: Sendable {
    public var precision: WeightPrecision
    /// Load weights that hold NaN or ±Inf instead of failing.
    public var allowNonFinite: Bool
    /// Let rotary models run prompts longer than `max_position_embeddings`.
    public var allowLongPrompts: Bool

    public init(precision: WeightPrecision = .stored, allowNonFinite: Bool = false, allowLongPrompts: Bool = false) {
        self.precision = precision
        self.allowNonFinite = allowNonFinite
        self.allowLongPrompts = allowLongPrompts
    }
}

/// A dense layer y = x·op(W) + b whose weight is one matrix or several laid side by side in the
/// output (q | k | v, gate | up): each part writes its own columns, so nothing is concatenated.
struct Linear: Sendable {
    struct Part: Sendable {
        let matrix: WeightMatrix
        /// First output column this part writes.
        let column: Int
    }
    let parts: [Part]
    let bias: [Float]?
    let inFeatures: Int
    let outFeatures: Int
    let layout: WeightLayout

    /// out (rows, outFeatures) = x (rows, inFeatures) · op(W) (+ b).
    func apply(_ x: UnsafePointer<Float>, rows: Int, into out: UnsafeMutablePointer<Float>, tile: WeightTile) {
        for part in parts {
            WeightProducts.multiply(x, rows: rows, part.matrix, layout: layout, into: out + part.column,
                                    ldc: outFeatures, tile: tile)
        }
        if let bias {
            bias.withUnsafeBufferPointer { Kernels.addBias(out, rows: rows, width: outFeatures, bias: $0.baseAddress!) }
        }
    }
}

/// A norm's parameters, widened to Float32 (they are vectors of d values).
struct NormWeights: Sendable {
    let weight: [Float]
    let bias: [Float]?
}

/// One transformer block's weights, in forward order.
struct BlockWeights: Sendable {
    let attentionNorm: NormWeights
    /// (tokens, d) → (tokens, qDim + 2·kvDim): q, then k, then v.
    let qkv: Linear
    let output: Linear
    let mlpNorm: NormWeights
    /// Gated: (tokens, d) → (tokens, 2·ffn), gate then up. Plain: (tokens, d) → (tokens, ffn).
    let mlpIn: Linear
    let mlpOut: Linear
}

/// All weights of a model: views into the mapped checkpoint (or F32 copies when asked).
struct ModelWeights: Sendable {
    /// (vocab, d)
    let embedding: WeightMatrix
    /// GPT-2's learned positions: (maxPositions, d).
    let positionEmbedding: WeightMatrix?
    let blocks: [BlockWeights]
    let finalNorm: NormWeights
    /// (vocab, d); the embedding itself when tied.
    let unembedding: WeightMatrix
    /// Bytes the weights occupy in memory (mapped or owned).
    let bytes: Int

    static func load(_ config: ModelConfig, names: WeightNames, checkpoint: Checkpoint, options: LoadOptions) throws -> ModelWeights {
        var reader = WeightReader(checkpoint: checkpoint, precision: options.precision)
        func norm(_ n: NormNames) throws -> NormWeights {
            NormWeights(weight: try reader.vector(n.weight, config.dModel), bias: try n.bias.map { try reader.vector($0, config.dModel) })
        }
        func linear(_ l: LinearNames) throws -> Linear {
            var parts: [Linear.Part] = []
            var bias: [Float] = []
            var column = 0
            for p in l.parts {
                parts.append(Linear.Part(matrix: try reader.matrix(p.weight, l.shape(of: p)), column: column))
                if let b = p.bias { bias += try reader.vector(b, p.outFeatures) }
                column += p.outFeatures
            }
            return Linear(parts: parts, bias: bias.isEmpty ? nil : bias, inFeatures: l.inFeatures,
                          outFeatures: l.outFeatures, layout: l.layout)
        }
        let blocks = try names.blocks.map { b in
            BlockWeights(attentionNorm: try norm(b.attentionNorm), qkv: try linear(b.qkv), output: try linear(b.output),
                         mlpNorm: try norm(b.mlpNorm), mlpIn: try linear(b.mlpIn), mlpOut: try linear(b.mlpOut))
        }
        let embedding = try reader.matrix(names.embedding, [config.vocabSize, config.dModel])
        let weights = ModelWeights(
            embedding: embedding,
            positionEmbedding: try names.positionEmbedding.map { try reader.matrix($0, [config.maxPositions, config.dModel]) },
            blocks: blocks, finalNorm: try norm(names.finalNorm),
            unembedding: try names.unembedding.map { try reader.matrix($0, [config.vocabSize, config.dModel]) } ?? embedding,
            bytes: reader.bytes)
        try reader.checkAllUsed(ignoring: names.ignored)
        if !options.allowNonFinite { try reader.checkFinite() }
        return weights
    }
}

/// Reads tensors by checkpoint name, checks shapes, and remembers which names were used so that
/// any tensor the architecture does not use is reported rather than silently ignored.
struct WeightReader {
    let checkpoint: Checkpoint
    let precision: WeightPrecision
    private(set) var used: Set<String> = []
    private(set) var bytes = 0
    private var matrices: [(name: String, matrix: WeightMatrix)] = []

    init(checkpoint: Checkpoint, precision: WeightPrecision) {
        self.checkpoint = checkpoint
        self.precision = precision
    }

    mutating func matrix(_ name: String, _ shape: [Int]) throws -> WeightMatrix {
        used.insert(name)
        var m = try checkpoint.weights(name, shape: shape)
        if precision == .f32 && m.dtype != .f32 {
            m = m.widened()
            checkpoint.releasePages(of: name)
        }
        bytes += m.byteCount
        matrices.append((name, m))
        return m
    }

    mutating func vector(_ name: String, _ count: Int) throws -> [Float] {
        let m = try matrix(name, [count])
        return m.floatArray()
    }

    /// Fails on the first tensor nobody read, except the ones the architecture says to ignore.
    func checkAllUsed(ignoring ignored: Set<String>) throws {
        for name in checkpoint.tensorNames where !used.contains(name) && !ignored.contains(name) {
            throw ModelFileError(file: checkpoint.fileName(of: name), "unused tensor \(name): the architecture has no such weight")
        }
    }

    /// Fails naming the first tensor that holds NaN or ±Inf. Scans every weight once (a read of
    /// the model at memory bandwidth, split over the BLAS threads).
    func checkFinite() throws {
        let found = FirstNonFinite(count: matrices.count)
        let list = matrices
        DispatchQueue.concurrentPerform(iterations: max(1, min(BLAS.threadCount, list.count))) { worker in
            let workers = max(1, min(BLAS.threadCount, list.count))
            for i in stride(from: worker, to: list.count, by: workers) {
                if let element = list[i].matrix.firstNonFiniteIndex() { found.record(i, element) }
            }
        }
        if let (i, element) = found.first {
            let name = list[i].name
            throw ModelFileError(file: checkpoint.fileName(of: name),
                                 "tensor \(name) holds NaN or Inf (element \(element)); pass --allow-nonfinite to load it anyway")
        }
    }
}

/// The lowest-indexed tensor with a non-finite value, found by several workers.
private final class FirstNonFinite: @unchecked Sendable {
    private let lock = NSLock()
    private var best: (Int, Int)?
    init(count: Int) {}

    func record(_ tensor: Int, _ element: Int) {
        lock.lock()
        if best == nil || tensor < best!.0 { best = (tensor, element) }
        lock.unlock()
    }

    var first: (Int, Int)? {
        lock.lock()
        defer { lock.unlock() }
        return best
    }
}
