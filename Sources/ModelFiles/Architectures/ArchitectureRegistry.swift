import Foundation
import Tensors

/// One architecture: how its `config.json` reads and where its weights are. Adding an
/// architecture is one file conforming to this, plus its line in `Architectures.all`; the forward
/// pass is shared, so hook semantics cannot diverge between architectures.
public protocol ArchitectureDefinition {
    /// The `architectures` class name, e.g. "LlamaForCausalLM".
    static var className: String { get }
    /// The `model_type`, e.g. "llama" (used when `architectures` is absent).
    static var modelType: String { get }
    /// Decodes the architecture's own `Codable` config.
    static func configuration(from data: Data) throws -> ModelConfig
    /// The checkpoint names of every weight; `has` tells which names the checkpoint holds.
    static func weightNames(_ config: ModelConfig, has: (String) -> Bool) throws -> WeightNames
}

/// The registry of architectures, keyed by `architectures` / `model_type`.
public enum Architectures {
    public static let all: [any ArchitectureDefinition.Type] = [Llama.self, Mistral.self, Qwen2.self, GPT2.self]

    public static var classNames: [String] { all.map { $0.className } }

    public static func definition(for architecture: Architecture) throws -> any ArchitectureDefinition.Type {
        guard let found = all.first(where: { $0.className == architecture.rawValue }) else {
            throw ModelFileError(file: ModelConfig.fileName, "unknown architecture \"\(architecture.rawValue)\" (supported: \(classNames.joined(separator: ", ")))")
        }
        return found
    }

    /// The definition `config.json` asks for: the first of `architectures`, else `model_type`.
    static func definition(configJSON data: Data) throws -> any ArchitectureDefinition.Type {
        let file = ModelConfig.fileName
        struct Header: Decodable {
            var architectures: [String]?
            var modelType: String?
            enum CodingKeys: String, CodingKey { case architectures, modelType = "model_type" }
        }
        guard (try? JSONSerialization.jsonObject(with: data)) is [String: Any] else {
            throw ModelFileError(file: file, "not a JSON object")
        }
        let header = try ConfigDecoding.decode(Header.self, from: data)
        if let name = header.architectures?.first {
            return try definition(for: Architecture(rawValue: name))
        }
        if let type = header.modelType {
            guard let found = all.first(where: { $0.modelType == type }) else {
                throw ModelFileError(file: file, "unknown model_type \"\(type)\" (supported: \(all.map { $0.modelType }.joined(separator: ", ")))")
            }
            return found
        }
        throw ModelFileError(file: file, "missing field \"architectures\" (and no \"model_type\")")
    }
}

/// Where one dense layer's weights are: one matrix, or several whose outputs lie side by side
/// in one output row (Llama's q | k | v, gate | up) — used where they lie, never concatenated.
public struct LinearNames: Sendable, Equatable {
    public struct Part: Sendable, Equatable {
        public var weight: String
        public var bias: String?
        public var outFeatures: Int
        public init(weight: String, bias: String? = nil, outFeatures: Int) {
            self.weight = weight
            self.bias = bias
            self.outFeatures = outFeatures
        }
    }
    public var parts: [Part]
    public var inFeatures: Int
    public var layout: WeightLayout

    public init(_ parts: [Part], inFeatures: Int, layout: WeightLayout = .outputMajor) {
        self.parts = parts
        self.inFeatures = inFeatures
        self.layout = layout
    }

    public var outFeatures: Int { parts.reduce(0) { $0 + $1.outFeatures } }

    /// The stored shape of a part: (out, in) for `nn.Linear`, (in, out) for GPT-2's Conv1D.
    public func shape(of part: Part) -> [Int] {
        layout == .outputMajor ? [part.outFeatures, inFeatures] : [inFeatures, part.outFeatures]
    }
}

/// A norm's weight and (LayerNorm) bias.
public struct NormNames: Sendable, Equatable {
    public var weight: String
    public var bias: String?
    public init(weight: String, bias: String? = nil) {
        self.weight = weight
        self.bias = bias
    }
}

/// One block's weights, in the order the shared forward pass uses them.
public struct BlockNames: Sendable, Equatable {
    public var attentionNorm: NormNames
    /// (tokens, d) → (tokens, qDim + 2·kvDim): q, then k, then v.
    public var qkv: LinearNames
    public var output: LinearNames
    public var mlpNorm: NormNames
    /// Gated: (tokens, d) → (tokens, 2·ffn), gate then up. Plain: (tokens, d) → (tokens, ffn).
    public var mlpIn: LinearNames
    public var mlpOut: LinearNames
}

/// Every weight of a model by checkpoint name.
public struct WeightNames: Sendable, Equatable {
    /// (vocab, d)
    public var embedding: String
    /// GPT-2's learned positions: (maxPositions, d).
    public var positionEmbedding: String?
    public var blocks: [BlockNames]
    public var finalNorm: NormNames
    /// (vocab, d); nil when tied to the embedding.
    public var unembedding: String?
    /// Names in the checkpoint that hold no weight (buffers older checkpoints carry, a tied
    /// `lm_head.weight` that transformers ignores).
    public var ignored: Set<String>

    /// Every name the model reads.
    public var used: [String] {
        var names = [embedding, finalNorm.weight] + [positionEmbedding, finalNorm.bias, unembedding].compactMap { $0 }
        for b in blocks {
            for n in [b.attentionNorm, b.mlpNorm] { names.append(n.weight); if let bias = n.bias { names.append(bias) } }
            for l in [b.qkv, b.output, b.mlpIn, b.mlpOut] {
                for p in l.parts { names.append(p.weight); if let bias = p.bias { names.append(bias) } }
            }
        }
        return names
    }
}
