import Foundation

/// `Qwen2ForCausalLM` (transformers/models/qwen2): the Llama block with biases on q, k and v
/// (none on o_proj), and a sliding window only when `use_sliding_window` is true.
public enum Qwen2: ArchitectureDefinition {
    public static let className = "Qwen2ForCausalLM"
    public static let modelType = "qwen2"

    public static func configuration(from data: Data) throws -> ModelConfig {
        let c = try ConfigDecoding.decode(LlamaConfiguration.self, from: data)
        return try c.modelConfig(architecture: .qwen2, qkvBias: true, outputBias: false,
                                 slidingWindow: (c.useSlidingWindow ?? false) ? c.slidingWindow : nil)
    }

    public static func weightNames(_ c: ModelConfig, has: (String) -> Bool) throws -> WeightNames {
        Llama.llamaFamilyWeightNames(c, has: has)
    }
}
