import Foundation

/// `MistralForCausalLM` (transformers/models/mistral): the Llama block with an optional sliding
/// attention window (`sliding_window`); no biases.
public enum Mistral: ArchitectureDefinition {
    public static let className = "MistralForCausalLM"
    public static let modelType = "mistral"

    public static func configuration(from data: Data) throws -> ModelConfig {
        let c = try ConfigDecoding.decode(LlamaConfiguration.self, from: data)
        return try c.modelConfig(architecture: .mistral, qkvBias: c.attentionBias ?? false,
                                 outputBias: c.attentionBias ?? false, slidingWindow: c.slidingWindow)
    }

    public static func weightNames(_ c: ModelConfig, has: (String) -> Bool) throws -> WeightNames {
        Llama.llamaFamilyWeightNames(c, has: has)
    }
}
