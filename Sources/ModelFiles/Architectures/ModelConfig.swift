import Foundation

/// A model class, by the name `config.json` gives in `architectures` (e.g. "LlamaForCausalLM").
public struct Architecture: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let llama = Architecture(rawValue: Llama.className)
    public static let mistral = Architecture(rawValue: Mistral.className)
    public static let qwen2 = Architecture(rawValue: Qwen2.className)
    public static let gpt2 = Architecture(rawValue: GPT2.className)
}

/// How rotary position embeddings are scaled (`rope_scaling` / `rope_parameters.rope_type`).
public enum RopeScaling: Sendable, Equatable {
    case none
    /// Positions divided by `factor`.
    case linear(factor: Double)
    /// Llama 3.1's frequency-dependent scaling.
    case llama3(factor: Double, lowFreqFactor: Double, highFreqFactor: Double, originalMaxPositions: Int)
}

/// A model's hyper-parameters in the one vocabulary the forward pass reads, whatever names its
/// `config.json` uses. Each architecture's file (Llama.swift, GPT2.swift, …) decodes its own
/// `Codable` config into this and says where its weights are (`ArchitectureDefinition`).
public struct ModelConfig: Sendable, Equatable {
    public enum Normalization: Sendable, Equatable { case rms, layer }
    public enum PositionEncoding: Sendable, Equatable { case rotary, learned }

    public var architecture: Architecture
    public var vocabSize: Int
    public var dModel: Int
    public var intermediateSize: Int
    public var layerCount: Int
    public var headCount: Int
    public var kvHeadCount: Int
    public var headDim: Int
    public var normEps: Float
    /// RMSNorm without bias (Llama family) or LayerNorm with bias (GPT-2).
    public var normalization: Normalization
    /// Rotary embeddings applied to q and k, or learned absolute positions added to the embedding.
    public var positionEncoding: PositionEncoding
    /// act(gate) · up then down (Llama family), or act(fc) then proj (GPT-2).
    public var gatedMLP: Bool
    public var ropeTheta: Double
    public var ropeScaling: RopeScaling
    public var maxPositions: Int
    public var tieWordEmbeddings: Bool
    /// `silu`, `gelu`, `gelu_new`, `gelu_pytorch_tanh`, `gelu_fast`, `relu`.
    public var activation: String
    /// Biases on q/k/v projections (Qwen2; Llama's `attention_bias`).
    public var qkvBias: Bool
    /// Bias on the attention output projection (Llama's `attention_bias`; GPT-2 always).
    public var outputBias: Bool
    /// Biases on the MLP's matrices (Llama's `mlp_bias`; GPT-2 always).
    public var mlpBias: Bool
    /// Mistral's (and Qwen2's, when enabled) sliding attention window.
    public var slidingWindow: Int?
    /// GPT-2's `scale_attn_by_inverse_layer_idx`.
    public var scaleAttentionByInverseLayer: Bool
    /// The dtype the config says the weights were saved in (informational).
    public var dtype: String?
    public var bosTokenID: Int?
    public var eosTokenIDs: [Int]

    public static let fileName = "config.json"
    public static let supportedActivations = ["silu", "gelu", "gelu_new", "gelu_pytorch_tanh", "relu", "gelu_fast"]

    /// q, k and v widths: (heads · head_dim, kv_heads · head_dim, kv_heads · head_dim).
    public var qDim: Int { headCount * headDim }
    public var kvDim: Int { kvHeadCount * headDim }

    fileprivate func validate() throws {
        let file = Self.fileName
        guard headCount % kvHeadCount == 0 else {
            throw ModelFileError(file: file, "num_attention_heads \(headCount) is not a multiple of num_key_value_heads \(kvHeadCount)")
        }
        if positionEncoding == .rotary && headDim % 2 != 0 {
            throw ModelFileError(file: file, "head_dim \(headDim) must be even for rotary embeddings")
        }
        guard Self.supportedActivations.contains(activation) else {
            throw ModelFileError(file: file, "unsupported activation \"\(activation)\" (supported: \(Self.supportedActivations.joined(separator: ", ")))")
        }
    }
}

extension ModelConfig {
    /// Reads `config.json` in `directory`.
    public static func load(directory: URL) throws -> ModelConfig {
        let url = directory.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ModelFileError(file: url.path, "cannot read (missing or unreadable)")
        }
        return try ModelConfig(json: data)
    }

    /// Decodes `config.json` with the architecture its `architectures` (or `model_type`) names.
    public init(json data: Data) throws {
        self = try Architectures.definition(configJSON: data).configuration(from: data)
        try validate()
    }

    /// The architecture's file knows where each weight is.
    public func weightNames(has: (String) -> Bool) throws -> WeightNames {
        try Architectures.definition(for: architecture).weightNames(self, has: has)
    }
}
