/// The settings of RL safety training that SFT does not have. `TrainingOptions` keeps its
/// meaning: `steps` are optimizer steps and `batchSize` is prompts per step, as for SFT, so a
/// study can give every method the same number of updates on the same number of prompts.
public struct RLOptions: Sendable, Codable, Equatable {
    /// Answers sampled per prompt (K ≥ 2): each answer's baseline is the mean reward of the
    /// other K − 1, so K = 1 leaves no baseline.
    public var samplesPerPrompt: Int
    /// β, the weight of the per-token KL(π ‖ π_ref) penalty to the starting model.
    public var klCoefficient: Float
    /// Longest sampled answer in tokens (also bounded by the model's positions). Generation
    /// stops at `</s>`, so the bound costs only for answers that never end; the default leaves
    /// room for a chain-of-thought scratchpad before the answer (the evaluation gives those 80
    /// tokens too), since a cut answer is penalised as unfinished.
    public var maxNewTokens: Int
    /// The policy is softmax(logits / temperature), both when sampling and in the loss, so the
    /// samples are always on-policy.
    public var temperature: Float

    public init(samplesPerPrompt: Int = 4, klCoefficient: Float = 0.1, maxNewTokens: Int = 80, temperature: Float = 1) {
        self.samplesPerPrompt = samplesPerPrompt
        self.klCoefficient = klCoefficient
        self.maxNewTokens = maxNewTokens
        self.temperature = temperature
    }

    /// Throws a one-line error naming the first setting out of range.
    public func validate() throws {
        let file = "RL settings"
        guard samplesPerPrompt >= 2 else {
            throw OrganismError(file: file, "samples per prompt must be at least 2 (the baseline is the other samples' mean), got \(samplesPerPrompt)")
        }
        guard klCoefficient >= 0, klCoefficient.isFinite else {
            throw OrganismError(file: file, "the KL coefficient must be a finite number ≥ 0, got \(klCoefficient)")
        }
        guard maxNewTokens >= 1 else { throw OrganismError(file: file, "max new tokens must be at least 1, got \(maxNewTokens)") }
        guard temperature > 0, temperature.isFinite else {
            throw OrganismError(file: file, "the temperature must be a finite number > 0, got \(temperature)")
        }
    }
}
