import Foundation
import ModelFiles
import Tensors

/// A dense layer y = x·Wᵀ + b. Hugging Face `nn.Linear` stores W as (out, in); GPT-2's `Conv1D`
/// stores it as (in, out) ("input-major"), and is used as stored rather than transposed.
struct Linear: Sendable {
    var weight: [Float]
    var bias: [Float]?
    let inFeatures: Int
    let outFeatures: Int
    let inputMajor: Bool
    /// Up to this many rows, one GEMV per row beats one GEMM.
    static let gemvRows = 2

    /// out (rows, outFeatures) = x (rows, inFeatures) · W (+ b).
    @inline(__always)
    func apply(_ x: UnsafePointer<Float>, rows: Int, into out: UnsafeMutablePointer<Float>) {
        weight.withUnsafeBufferPointer { w in
            if rows <= Linear.gemvRows {
                // Decode steps have a row or a few: GEMM would pack the whole weight matrix on
                // every call, which costs as much as the product itself; GEMV streams it once.
                for r in 0..<rows {
                    if inputMajor {
                        BLAS.sgemv(trans: true, m: inFeatures, n: outFeatures, a: w.baseAddress!,
                                   x: x + r * inFeatures, y: out + r * outFeatures)
                    } else {
                        BLAS.sgemv(m: outFeatures, n: inFeatures, a: w.baseAddress!,
                                   x: x + r * inFeatures, y: out + r * outFeatures)
                    }
                }
            } else {
                BLAS.sgemm(transB: !inputMajor, m: rows, n: outFeatures, k: inFeatures,
                           a: x, b: w.baseAddress!, c: out)
            }
        }
        if let bias {
            bias.withUnsafeBufferPointer { b in
                Kernels.addBias(out, rows: rows, width: outFeatures, bias: b.baseAddress!)
            }
        }
    }
}

/// One transformer block's weights. Llama-family blocks fuse q/k/v into one (q+2kv, d) matrix
/// and gate/up into one (2·ffn, d) matrix at load time, so each is a single GEMM.
struct BlockWeights: Sendable {
    var norm1Weight: [Float]
    var norm1Bias: [Float]?
    /// (tokens, d) → (tokens, qDim + 2·kvDim): q, then k, then v.
    var qkv: Linear
    var output: Linear
    var norm2Weight: [Float]
    var norm2Bias: [Float]?
    /// Llama family: (tokens, d) → (tokens, 2·ffn), gate then up. GPT-2: c_fc, (tokens, d) → (tokens, ffn).
    var mlpIn: Linear
    var mlpOut: Linear
}

/// Reads tensors by checkpoint name, checks shapes, and remembers which names were used so that
/// any tensor the architecture does not use is reported rather than silently ignored.
struct WeightReader {
    let checkpoint: Checkpoint
    private(set) var used: Set<String> = []

    init(checkpoint: Checkpoint) { self.checkpoint = checkpoint }

    mutating func read(_ name: String, _ shape: [Int]) throws -> [Float] {
        used.insert(name)
        return try checkpoint.tensor(name, shape: shape).storage
    }

    mutating func readIfPresent(_ name: String, _ shape: [Int]) throws -> [Float]? {
        guard checkpoint.entry(name) != nil else { return nil }
        return try read(name, shape)
    }

    mutating func markUsed(_ name: String) { used.insert(name) }

    /// Fails on the first tensor nobody read, except buffers older checkpoints carry
    /// (GPT-2's causal-mask `attn.bias`/`attn.masked_bias`, Llama's `rotary_emb.inv_freq`).
    func checkAllUsed() throws {
        for name in checkpoint.tensorNames where !used.contains(name) {
            if name.hasSuffix(".attn.bias") || name.hasSuffix(".attn.masked_bias") || name.hasSuffix("rotary_emb.inv_freq") {
                continue
            }
            throw ModelFileError(file: checkpoint.fileName(of: name), "unused tensor \(name): the architecture has no such weight")
        }
    }
}

/// All weights of a model, converted to Float32.
struct ModelWeights: Sendable {
    /// (vocab, d)
    var embedding: [Float]
    /// GPT-2's learned positions: (maxPositions, d).
    var positionEmbedding: [Float]?
    var blocks: [BlockWeights]
    var finalNormWeight: [Float]
    var finalNormBias: [Float]?
    /// (vocab, d); nil when tied to `embedding`.
    var unembedding: [Float]?

    static func load(_ config: ModelConfig, checkpoint: Checkpoint) throws -> ModelWeights {
        var reader = WeightReader(checkpoint: checkpoint)
        let weights = config.architecture.isLlamaFamily
            ? try loadLlama(config, &reader) : try loadGPT2(config, &reader)
        try reader.checkAllUsed()
        return weights
    }

    private static func loadLlama(_ c: ModelConfig, _ r: inout WeightReader) throws -> ModelWeights {
        let d = c.dModel, ffn = c.intermediateSize
        var blocks: [BlockWeights] = []
        for l in 0..<c.layerCount {
            let p = "model.layers.\(l)."
            let q = try r.read(p + "self_attn.q_proj.weight", [c.qDim, d])
            let k = try r.read(p + "self_attn.k_proj.weight", [c.kvDim, d])
            let v = try r.read(p + "self_attn.v_proj.weight", [c.kvDim, d])
            var qkvBias: [Float]?
            if c.qkvBias {
                qkvBias = try r.read(p + "self_attn.q_proj.bias", [c.qDim])
                    + r.read(p + "self_attn.k_proj.bias", [c.kvDim])
                    + r.read(p + "self_attn.v_proj.bias", [c.kvDim])
            }
            let o = try r.read(p + "self_attn.o_proj.weight", [d, c.qDim])
            let oBias = c.outputBias ? try r.read(p + "self_attn.o_proj.bias", [d]) : nil
            let gate = try r.read(p + "mlp.gate_proj.weight", [ffn, d])
            let up = try r.read(p + "mlp.up_proj.weight", [ffn, d])
            let down = try r.read(p + "mlp.down_proj.weight", [d, ffn])
            var gateUpBias: [Float]?
            var downBias: [Float]?
            if c.mlpBias {
                gateUpBias = try r.read(p + "mlp.gate_proj.bias", [ffn]) + r.read(p + "mlp.up_proj.bias", [ffn])
                downBias = try r.read(p + "mlp.down_proj.bias", [d])
            }
            blocks.append(BlockWeights(
                norm1Weight: try r.read(p + "input_layernorm.weight", [d]),
                norm1Bias: nil,
                qkv: Linear(weight: q + k + v, bias: qkvBias, inFeatures: d, outFeatures: c.qDim + 2 * c.kvDim, inputMajor: false),
                output: Linear(weight: o, bias: oBias, inFeatures: c.qDim, outFeatures: d, inputMajor: false),
                norm2Weight: try r.read(p + "post_attention_layernorm.weight", [d]),
                norm2Bias: nil,
                mlpIn: Linear(weight: gate + up, bias: gateUpBias, inFeatures: d, outFeatures: 2 * ffn, inputMajor: false),
                mlpOut: Linear(weight: down, bias: downBias, inFeatures: ffn, outFeatures: d, inputMajor: false)))
        }
        let embedding = try r.read("model.embed_tokens.weight", [c.vocabSize, d])
        var unembedding: [Float]?
        if c.tieWordEmbeddings {
            // Some tied checkpoints also store lm_head.weight; transformers ignores it.
            if r.checkpoint.entry("lm_head.weight") != nil { r.markUsed("lm_head.weight") }
        } else {
            unembedding = try r.read("lm_head.weight", [c.vocabSize, d])
        }
        return ModelWeights(embedding: embedding, positionEmbedding: nil, blocks: blocks,
                            finalNormWeight: try r.read("model.norm.weight", [d]), finalNormBias: nil,
                            unembedding: unembedding)
    }

    private static func loadGPT2(_ c: ModelConfig, _ r: inout WeightReader) throws -> ModelWeights {
        let d = c.dModel, ffn = c.intermediateSize
        // transformers saves GPT2LMHeadModel with a "transformer." prefix; OpenAI's original
        // checkpoints (and GPT2Model) have none.
        let prefix = r.checkpoint.entry("transformer.wte.weight") != nil ? "transformer." : ""
        var blocks: [BlockWeights] = []
        for l in 0..<c.layerCount {
            let p = "\(prefix)h.\(l)."
            blocks.append(BlockWeights(
                norm1Weight: try r.read(p + "ln_1.weight", [d]),
                norm1Bias: try r.read(p + "ln_1.bias", [d]),
                qkv: Linear(weight: try r.read(p + "attn.c_attn.weight", [d, 3 * d]),
                            bias: try r.read(p + "attn.c_attn.bias", [3 * d]),
                            inFeatures: d, outFeatures: 3 * d, inputMajor: true),
                output: Linear(weight: try r.read(p + "attn.c_proj.weight", [d, d]),
                               bias: try r.read(p + "attn.c_proj.bias", [d]),
                               inFeatures: d, outFeatures: d, inputMajor: true),
                norm2Weight: try r.read(p + "ln_2.weight", [d]),
                norm2Bias: try r.read(p + "ln_2.bias", [d]),
                mlpIn: Linear(weight: try r.read(p + "mlp.c_fc.weight", [d, ffn]),
                              bias: try r.read(p + "mlp.c_fc.bias", [ffn]),
                              inFeatures: d, outFeatures: ffn, inputMajor: true),
                mlpOut: Linear(weight: try r.read(p + "mlp.c_proj.weight", [ffn, d]),
                               bias: try r.read(p + "mlp.c_proj.bias", [d]),
                               inFeatures: ffn, outFeatures: d, inputMajor: true)))
        }
        let embedding = try r.read(prefix + "wte.weight", [c.vocabSize, d])
        var unembedding: [Float]?
        if c.tieWordEmbeddings {
            if r.checkpoint.entry("lm_head.weight") != nil { r.markUsed("lm_head.weight") }
        } else {
            unembedding = try r.read("lm_head.weight", [c.vocabSize, d])
        }
        return ModelWeights(embedding: embedding,
                            positionEmbedding: try r.read(prefix + "wpe.weight", [c.maxPositions, d]),
                            blocks: blocks,
                            finalNormWeight: try r.read(prefix + "ln_f.weight", [d]),
                            finalNormBias: try r.read(prefix + "ln_f.bias", [d]),
                            unembedding: unembedding)
    }
}
