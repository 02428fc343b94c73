import Foundation

/// The architectures the inference core runs, by the class name `config.json` gives in
/// `architectures` (or, failing that, by `model_type`).
public enum Architecture: String, Sendable, CaseIterable {
    case llama = "LlamaForCausalLM"
    case mistral = "MistralForCausalLM"
    case qwen2 = "Qwen2ForCausalLM"
    case gpt2 = "GPT2LMHeadModel"

    /// Llama, Mistral and Qwen2 share one block (RMSNorm, RoPE, gated MLP).
    public var isLlamaFamily: Bool { self != .gpt2 }

    static func fromModelType(_ type: String) -> Architecture? {
        switch type {
        case "llama": .llama
        case "mistral": .mistral
        case "qwen2": .qwen2
        case "gpt2": .gpt2
        default: nil
        }
    }
}

/// How rotary position embeddings are scaled (`rope_scaling` / `rope_parameters.rope_type`).
public enum RopeScaling: Sendable, Equatable {
    case none
    /// Positions divided by `factor`.
    case linear(factor: Double)
    /// Llama 3.1's frequency-dependent scaling.
    case llama3(factor: Double, lowFreqFactor: Double, highFreqFactor: Double, originalMaxPositions: Int)
}

/// A model's hyper-parameters, read from either `config.json` style: the one most published
/// checkpoints carry (top-level `rope_theta`, `rope_scaling`, `torch_dtype`) and the one current
/// `transformers` writes (`rope_parameters`, `dtype`). GPT-2's own names (`n_embd`, `n_layer`, …)
/// are mapped onto the same fields.
public struct ModelConfig: Sendable, Equatable {
    public var architecture: Architecture
    public var vocabSize: Int
    public var dModel: Int
    public var intermediateSize: Int
    public var layerCount: Int
    public var headCount: Int
    public var kvHeadCount: Int
    public var headDim: Int
    public var normEps: Float
    public var ropeTheta: Double
    public var ropeScaling: RopeScaling
    public var maxPositions: Int
    public var tieWordEmbeddings: Bool
    /// `silu`, `gelu`, `gelu_new`, `gelu_pytorch_tanh`, `relu`.
    public var activation: String
    /// Biases on q/k/v projections (Qwen2; Llama's `attention_bias`).
    public var qkvBias: Bool
    /// Bias on the attention output projection (Llama's `attention_bias`; GPT-2 always).
    public var outputBias: Bool
    /// Biases on gate/up/down (Llama's `mlp_bias`).
    public var mlpBias: Bool
    /// Mistral's sliding attention window, when set.
    public var slidingWindow: Int?
    /// GPT-2's `scale_attn_by_inverse_layer_idx`.
    public var scaleAttentionByInverseLayer: Bool
    /// The dtype the config says the weights were saved in (informational).
    public var dtype: String?
    public var bosTokenID: Int?
    public var eosTokenIDs: [Int]

    public static let fileName = "config.json"

    /// Reads `config.json` in `directory`.
    public static func load(directory: URL) throws -> ModelConfig {
        let url = directory.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ModelFileError(file: url.path, "cannot read (missing or unreadable)")
        }
        return try ModelConfig(json: data)
    }

    public init(json data: Data) throws {
        guard let object = JSONValue.parse(data)?.objectValue else {
            throw ModelFileError(file: Self.fileName, "not a JSON object")
        }
        try self.init(object: object)
    }

    public init(object c: [String: JSONValue]) throws {
        let file = Self.fileName
        func int(_ key: String) throws -> Int {
            guard let v = c[key] else { throw ModelFileError(file: file, "missing field \"\(key)\"") }
            guard let i = v.intValue, i > 0 else { throw ModelFileError(file: file, "field \"\(key)\" must be a positive integer") }
            return i
        }
        func optionalInt(_ key: String) throws -> Int? {
            guard let v = c[key], v != .null else { return nil }
            guard let i = v.intValue else { throw ModelFileError(file: file, "field \"\(key)\" must be an integer") }
            return i
        }
        func double(_ key: String, default value: Double) throws -> Double {
            guard let v = c[key], v != .null else { return value }
            guard let d = v.doubleValue else { throw ModelFileError(file: file, "field \"\(key)\" must be a number") }
            return d
        }
        func bool(_ key: String, default value: Bool) throws -> Bool {
            guard let v = c[key], v != .null else { return value }
            guard let b = v.boolValue else { throw ModelFileError(file: file, "field \"\(key)\" must be true or false") }
            return b
        }

        var architecture: Architecture?
        if let names = c["architectures"]?.arrayValue, let first = names.first?.stringValue {
            architecture = Architecture(rawValue: first)
            if architecture == nil {
                throw ModelFileError(file: file, "unknown architecture \"\(first)\" (supported: \(Architecture.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
        } else if let type = c["model_type"]?.stringValue {
            architecture = Architecture.fromModelType(type)
            if architecture == nil {
                throw ModelFileError(file: file, "unknown model_type \"\(type)\" (supported: llama, mistral, qwen2, gpt2)")
            }
        }
        guard let architecture else {
            throw ModelFileError(file: file, "missing field \"architectures\" (and no \"model_type\")")
        }
        self.architecture = architecture
        dtype = c["dtype"]?.stringValue ?? c["torch_dtype"]?.stringValue
        bosTokenID = try optionalInt("bos_token_id")
        switch c["eos_token_id"] {
        case .some(.array(let ids)): eosTokenIDs = ids.compactMap(\.intValue)
        case .some(let v) where v.intValue != nil: eosTokenIDs = [v.intValue!]
        default: eosTokenIDs = []
        }

        if architecture == .gpt2 {
            dModel = try int("n_embd")
            layerCount = try int("n_layer")
            headCount = try int("n_head")
            vocabSize = try int("vocab_size")
            maxPositions = try int("n_positions")
            intermediateSize = try optionalInt("n_inner") ?? 4 * dModel
            kvHeadCount = headCount
            guard dModel % headCount == 0 else {
                throw ModelFileError(file: file, "n_embd \(dModel) is not divisible by n_head \(headCount)")
            }
            headDim = dModel / headCount
            normEps = Float(try double("layer_norm_epsilon", default: 1e-5))
            activation = c["activation_function"]?.stringValue ?? "gelu_new"
            ropeTheta = 0
            ropeScaling = .none
            tieWordEmbeddings = try bool("tie_word_embeddings", default: true)
            qkvBias = true
            outputBias = true
            mlpBias = true
            slidingWindow = nil
            scaleAttentionByInverseLayer = try bool("scale_attn_by_inverse_layer_idx", default: false)
            if try !bool("scale_attn_weights", default: true) {
                throw ModelFileError(file: file, "field \"scale_attn_weights\": false is not supported")
            }
        } else {
            dModel = try int("hidden_size")
            layerCount = try int("num_hidden_layers")
            headCount = try int("num_attention_heads")
            vocabSize = try int("vocab_size")
            intermediateSize = try int("intermediate_size")
            kvHeadCount = try optionalInt("num_key_value_heads") ?? headCount
            guard headCount % kvHeadCount == 0 else {
                throw ModelFileError(file: file, "num_attention_heads \(headCount) is not a multiple of num_key_value_heads \(kvHeadCount)")
            }
            if let given = try optionalInt("head_dim") {
                headDim = given
            } else {
                guard dModel % headCount == 0 else {
                    throw ModelFileError(file: file, "hidden_size \(dModel) is not divisible by num_attention_heads \(headCount) and no head_dim is given")
                }
                headDim = dModel / headCount
            }
            guard headDim % 2 == 0 else { throw ModelFileError(file: file, "head_dim \(headDim) must be even for rotary embeddings") }
            normEps = Float(try double("rms_norm_eps", default: 1e-6))
            activation = c["hidden_act"]?.stringValue ?? "silu"
            maxPositions = try optionalInt("max_position_embeddings") ?? 2048
            tieWordEmbeddings = try bool("tie_word_embeddings", default: false)
            let attentionBias = try bool("attention_bias", default: false)
            qkvBias = architecture == .qwen2 ? true : attentionBias
            outputBias = architecture == .qwen2 ? false : attentionBias
            mlpBias = try bool("mlp_bias", default: false)
            scaleAttentionByInverseLayer = false
            if architecture == .qwen2 {
                slidingWindow = try bool("use_sliding_window", default: false) ? try optionalInt("sliding_window") : nil
            } else {
                slidingWindow = try optionalInt("sliding_window")
            }
            // Rotary parameters: new style nests them in rope_parameters, old style has rope_theta
            // at the top level and an optional rope_scaling object.
            let rope: [String: JSONValue]?
            if let parameters = c["rope_parameters"], parameters != .null {
                guard let object = parameters.objectValue else {
                    throw ModelFileError(file: file, "field \"rope_parameters\" must be an object")
                }
                rope = object
                guard let theta = object["rope_theta"]?.doubleValue else {
                    throw ModelFileError(file: file, "field \"rope_parameters.rope_theta\" is missing or not a number")
                }
                ropeTheta = theta
            } else {
                ropeTheta = try double("rope_theta", default: 10000)
                if let scaling = c["rope_scaling"], scaling != .null {
                    guard let object = scaling.objectValue else {
                        throw ModelFileError(file: file, "field \"rope_scaling\" must be an object or null")
                    }
                    rope = object
                } else {
                    rope = nil
                }
            }
            ropeScaling = try Self.ropeScaling(rope, file: file)
        }
        let supported = ["silu", "gelu", "gelu_new", "gelu_pytorch_tanh", "relu", "gelu_fast"]
        guard supported.contains(activation) else {
            throw ModelFileError(file: file, "unsupported activation \"\(activation)\" (supported: \(supported.joined(separator: ", ")))")
        }
    }

    private static func ropeScaling(_ rope: [String: JSONValue]?, file: String) throws -> RopeScaling {
        guard let rope else { return .none }
        let type = rope["rope_type"]?.stringValue ?? rope["type"]?.stringValue ?? "default"
        func number(_ key: String) throws -> Double {
            guard let d = rope[key]?.doubleValue else {
                throw ModelFileError(file: file, "rope scaling \"\(type)\" needs a numeric \"\(key)\"")
            }
            return d
        }
        switch type {
        case "default":
            return .none
        case "linear":
            return .linear(factor: try number("factor"))
        case "llama3":
            return .llama3(factor: try number("factor"),
                           lowFreqFactor: try number("low_freq_factor"),
                           highFreqFactor: try number("high_freq_factor"),
                           originalMaxPositions: Int(try number("original_max_position_embeddings")))
        default:
            throw ModelFileError(file: file, "unsupported rope_scaling type \"\(type)\" (supported: default, linear, llama3)")
        }
    }

    /// q, k and v widths: (heads · head_dim, kv_heads · head_dim, kv_heads · head_dim).
    public var qDim: Int { headCount * headDim }
    public var kvDim: Int { kvHeadCount * headDim }
}
