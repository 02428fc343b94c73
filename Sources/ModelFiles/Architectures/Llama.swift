import Foundation

/// `LlamaForCausalLM` (transformers/models/llama): RMSNorm, rotary embeddings (optionally
/// scaled), grouped-query attention, gated SiLU MLP; optional `attention_bias` and `mlp_bias`.
public enum Llama: ArchitectureDefinition {
    public static let className = "LlamaForCausalLM"
    public static let modelType = "llama"

    public static func configuration(from data: Data) throws -> ModelConfig {
        let c = try ConfigDecoding.decode(LlamaConfiguration.self, from: data)
        return try c.modelConfig(architecture: .llama, qkvBias: c.attentionBias ?? false,
                                 outputBias: c.attentionBias ?? false, slidingWindow: nil)
    }

    public static func weightNames(_ c: ModelConfig, has: (String) -> Bool) throws -> WeightNames {
        llamaFamilyWeightNames(c, has: has)
    }

    /// The weight names Llama, Mistral and Qwen2 share (`model.layers.L.self_attn.q_proj`, …).
    static func llamaFamilyWeightNames(_ c: ModelConfig, has: (String) -> Bool) -> WeightNames {
        let d = c.dModel, ffn = c.intermediateSize
        func part(_ name: String, _ out: Int, bias: Bool) -> LinearNames.Part {
            .init(weight: name + ".weight", bias: bias ? name + ".bias" : nil, outFeatures: out)
        }
        let blocks = (0..<c.layerCount).map { l -> BlockNames in
            let p = "model.layers.\(l)."
            return BlockNames(
                attentionNorm: NormNames(weight: p + "input_layernorm.weight"),
                qkv: LinearNames([part(p + "self_attn.q_proj", c.qDim, bias: c.qkvBias),
                                  part(p + "self_attn.k_proj", c.kvDim, bias: c.qkvBias),
                                  part(p + "self_attn.v_proj", c.kvDim, bias: c.qkvBias)], inFeatures: d),
                output: LinearNames([part(p + "self_attn.o_proj", d, bias: c.outputBias)], inFeatures: c.qDim),
                mlpNorm: NormNames(weight: p + "post_attention_layernorm.weight"),
                mlpIn: LinearNames([part(p + "mlp.gate_proj", ffn, bias: c.mlpBias),
                                    part(p + "mlp.up_proj", ffn, bias: c.mlpBias)], inFeatures: d),
                mlpOut: LinearNames([part(p + "mlp.down_proj", d, bias: c.mlpBias)], inFeatures: ffn))
        }
        var ignored = Set((0..<c.layerCount).map { "model.layers.\($0).self_attn.rotary_emb.inv_freq" })
        // Some tied checkpoints also store lm_head.weight; transformers ignores it.
        if c.tieWordEmbeddings && has("lm_head.weight") { ignored.insert("lm_head.weight") }
        return WeightNames(embedding: "model.embed_tokens.weight", positionEmbedding: nil, blocks: blocks,
                           finalNorm: NormNames(weight: "model.norm.weight"),
                           unembedding: c.tieWordEmbeddings ? nil : "lm_head.weight", ignored: ignored)
    }
}

/// The `config.json` fields of the Llama family (Llama, Mistral and Qwen2 name them alike).
struct LlamaConfiguration: Decodable {
    var hiddenSize: Int
    var numHiddenLayers: Int
    var numAttentionHeads: Int
    var vocabSize: Int
    var intermediateSize: Int
    var numKeyValueHeads: Int?
    var headDim: Int?
    var rmsNormEps: Double?
    var hiddenAct: String?
    var maxPositionEmbeddings: Int?
    var tieWordEmbeddings: Bool?
    var attentionBias: Bool?
    var mlpBias: Bool?
    var slidingWindow: Int?
    var useSlidingWindow: Bool?
    var ropeTheta: Double?
    var ropeScaling: RopeParameters?
    var ropeParameters: RopeParameters?
    var dtype: String?
    var torchDtype: String?
    var bosTokenID: Int?
    var eosTokenID: TokenIDList?

    enum CodingKeys: String, CodingKey {
        case hiddenSize = "hidden_size", numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads", vocabSize = "vocab_size"
        case intermediateSize = "intermediate_size", numKeyValueHeads = "num_key_value_heads"
        case headDim = "head_dim", rmsNormEps = "rms_norm_eps", hiddenAct = "hidden_act"
        case maxPositionEmbeddings = "max_position_embeddings", tieWordEmbeddings = "tie_word_embeddings"
        case attentionBias = "attention_bias", mlpBias = "mlp_bias", slidingWindow = "sliding_window"
        case useSlidingWindow = "use_sliding_window", ropeTheta = "rope_theta", ropeScaling = "rope_scaling"
        case ropeParameters = "rope_parameters", dtype, torchDtype = "torch_dtype"
        case bosTokenID = "bos_token_id", eosTokenID = "eos_token_id"
    }

    func modelConfig(architecture: Architecture, qkvBias: Bool, outputBias: Bool, slidingWindow: Int?) throws -> ModelConfig {
        let file = ModelConfig.fileName
        let d = try ConfigDecoding.positive(hiddenSize, "hidden_size")
        let heads = try ConfigDecoding.positive(numAttentionHeads, "num_attention_heads")
        let kvHeads = try ConfigDecoding.positive(numKeyValueHeads ?? heads, "num_key_value_heads")
        let headDim: Int
        if let given = self.headDim {
            headDim = try ConfigDecoding.positive(given, "head_dim")
        } else {
            guard d % heads == 0 else {
                throw ModelFileError(file: file, "hidden_size \(d) is not divisible by num_attention_heads \(heads) and no head_dim is given")
            }
            headDim = d / heads
        }
        let (theta, scaling) = try RopeParameters.resolve(parameters: ropeParameters, theta: ropeTheta, scaling: ropeScaling)
        return ModelConfig(
            architecture: architecture,
            vocabSize: try ConfigDecoding.positive(vocabSize, "vocab_size"), dModel: d,
            intermediateSize: try ConfigDecoding.positive(intermediateSize, "intermediate_size"),
            layerCount: try ConfigDecoding.positive(numHiddenLayers, "num_hidden_layers"),
            headCount: heads, kvHeadCount: kvHeads, headDim: headDim, normEps: Float(rmsNormEps ?? 1e-6),
            normalization: .rms, positionEncoding: .rotary, gatedMLP: true,
            ropeTheta: theta, ropeScaling: scaling, maxPositions: maxPositionEmbeddings ?? 2048,
            tieWordEmbeddings: tieWordEmbeddings ?? false, activation: hiddenAct ?? "silu",
            qkvBias: qkvBias, outputBias: outputBias, mlpBias: mlpBias ?? false,
            slidingWindow: slidingWindow, scaleAttentionByInverseLayer: false,
            dtype: dtype ?? torchDtype, bosTokenID: bosTokenID, eosTokenIDs: eosTokenID?.ids ?? [])
    }
}
