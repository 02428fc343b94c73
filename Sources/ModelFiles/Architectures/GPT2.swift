import Foundation

/// `GPT2LMHeadModel` (transformers/models/gpt2): LayerNorm, learned absolute positions, fused
/// q|k|v, a plain GELU MLP, biases everywhere. Its `Conv1D` weights are stored (in, out) and are
/// used as stored (`.inputMajor`), not transposed.
public enum GPT2: ArchitectureDefinition {
    public static let className = "GPT2LMHeadModel"
    public static let modelType = "gpt2"

    struct Configuration: Decodable {
        var nEmbd: Int
        var nLayer: Int
        var nHead: Int
        var vocabSize: Int
        var nPositions: Int
        var nInner: Int?
        var layerNormEpsilon: Double?
        var activationFunction: String?
        var tieWordEmbeddings: Bool?
        var scaleAttnByInverseLayerIdx: Bool?
        var scaleAttnWeights: Bool?
        var dtype: String?
        var torchDtype: String?
        var bosTokenID: Int?
        var eosTokenID: TokenIDList?

        enum CodingKeys: String, CodingKey {
            case nEmbd = "n_embd", nLayer = "n_layer", nHead = "n_head", vocabSize = "vocab_size"
            case nPositions = "n_positions", nInner = "n_inner", layerNormEpsilon = "layer_norm_epsilon"
            case activationFunction = "activation_function", tieWordEmbeddings = "tie_word_embeddings"
            case scaleAttnByInverseLayerIdx = "scale_attn_by_inverse_layer_idx", scaleAttnWeights = "scale_attn_weights"
            case dtype, torchDtype = "torch_dtype", bosTokenID = "bos_token_id", eosTokenID = "eos_token_id"
        }
    }

    public static func configuration(from data: Data) throws -> ModelConfig {
        let file = ModelConfig.fileName
        let c = try ConfigDecoding.decode(Configuration.self, from: data)
        let d = try ConfigDecoding.positive(c.nEmbd, "n_embd")
        let heads = try ConfigDecoding.positive(c.nHead, "n_head")
        guard d % heads == 0 else { throw ModelFileError(file: file, "n_embd \(d) is not divisible by n_head \(heads)") }
        if c.scaleAttnWeights == false {
            throw ModelFileError(file: file, "field \"scale_attn_weights\": false is not supported")
        }
        return ModelConfig(
            architecture: .gpt2, vocabSize: try ConfigDecoding.positive(c.vocabSize, "vocab_size"), dModel: d,
            intermediateSize: try ConfigDecoding.positive(c.nInner ?? 4 * d, "n_inner"),
            layerCount: try ConfigDecoding.positive(c.nLayer, "n_layer"), headCount: heads, kvHeadCount: heads,
            headDim: d / heads, normEps: Float(c.layerNormEpsilon ?? 1e-5),
            normalization: .layer, positionEncoding: .learned, gatedMLP: false,
            ropeTheta: 0, ropeScaling: .none, maxPositions: try ConfigDecoding.positive(c.nPositions, "n_positions"),
            tieWordEmbeddings: c.tieWordEmbeddings ?? true, activation: c.activationFunction ?? "gelu_new",
            qkvBias: true, outputBias: true, mlpBias: true, slidingWindow: nil,
            scaleAttentionByInverseLayer: c.scaleAttnByInverseLayerIdx ?? false,
            dtype: c.dtype ?? c.torchDtype, bosTokenID: c.bosTokenID, eosTokenIDs: c.eosTokenID?.ids ?? [])
    }

    public static func weightNames(_ c: ModelConfig, has: (String) -> Bool) throws -> WeightNames {
        let d = c.dModel, ffn = c.intermediateSize
        // transformers saves GPT2LMHeadModel with a "transformer." prefix; OpenAI's original
        // checkpoints (and GPT2Model) have none.
        let prefix = has("transformer.wte.weight") ? "transformer." : ""
        func linear(_ name: String, in inFeatures: Int, out: Int) -> LinearNames {
            LinearNames([.init(weight: name + ".weight", bias: name + ".bias", outFeatures: out)],
                        inFeatures: inFeatures, layout: .inputMajor)
        }
        var ignored = Set<String>()
        let blocks = (0..<c.layerCount).map { l -> BlockNames in
            let p = "\(prefix)h.\(l)."
            // The causal-mask buffers older checkpoints carry.
            ignored.formUnion([p + "attn.bias", p + "attn.masked_bias"])
            return BlockNames(
                attentionNorm: NormNames(weight: p + "ln_1.weight", bias: p + "ln_1.bias"),
                qkv: linear(p + "attn.c_attn", in: d, out: 3 * d),
                output: linear(p + "attn.c_proj", in: d, out: d),
                mlpNorm: NormNames(weight: p + "ln_2.weight", bias: p + "ln_2.bias"),
                mlpIn: linear(p + "mlp.c_fc", in: d, out: ffn),
                mlpOut: linear(p + "mlp.c_proj", in: ffn, out: d))
        }
        if c.tieWordEmbeddings && has("lm_head.weight") { ignored.insert("lm_head.weight") }
        return WeightNames(embedding: prefix + "wte.weight", positionEmbedding: prefix + "wpe.weight", blocks: blocks,
                           finalNorm: NormNames(weight: prefix + "ln_f.weight", bias: prefix + "ln_f.bias"),
                           unembedding: c.tieWordEmbeddings ? nil : "lm_head.weight", ignored: ignored)
    }
}
