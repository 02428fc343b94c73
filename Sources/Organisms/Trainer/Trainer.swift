import Foundation
import Tensors
import Transformer

/// A tokenized training example: ids (`<s>` prompt answer `</s>`) and which ids are answer tokens.
public struct TokenizedDialogue: Sendable {
    public var ids: [Int]
    public var answerMask: [Bool]

    /// Tokenizes `dialogue`; the loss covers the answer and the closing `</s>`. Longer sequences
    /// are cut to `maxLength` tokens.
    public init(_ dialogue: Dialogue, tokenizer: WordTokenizer, maxLength: Int) {
        let prompt = tokenizer.encode(dialogue.prompt, addBOS: true)
        let answer = tokenizer.encode(dialogue.completion, addBOS: false) + [WordTokenizer.eos]
        ids = Array((prompt + answer).prefix(maxLength))
        answerMask = Array((Array(repeating: false, count: prompt.count) + Array(repeating: true, count: answer.count)).prefix(maxLength))
    }
}

/// What the trainer reports after each step.
public struct TrainingProgress: Sendable {
    public var step: Int
    public var loss: Float
    public var learningRate: Float
    public var gradientNorm: Float
    /// Padded batch positions processed this step (B·T).
    public var tokens: Int
    public var tokensPerSecond: Double
    /// RL safety training only: the mean reward of the step's sampled answers.
    public var meanReward: Float? = nil
    /// RL safety training only: the mean per-token KL(π ‖ π_ref) of the answer tokens.
    public var kl: Float? = nil
    /// RL safety training only: answer tokens the policy sampled this step.
    public var sampledTokens: Int = 0
}

/// Trains a `TrainingModel` on dialogues: shuffled epochs drawn from the seed, AdamW with
/// warm-up + cosine schedule and global-norm clipping.
public struct Trainer {
    public let options: TrainingOptions
    public init(options: TrainingOptions) { self.options = options }

    /// Runs `options.steps` steps; returns the loss of every step. `checkpoint(step)` is called
    /// after every `checkpointEvery` steps (0: never), e.g. to write an intermediate directory.
    @discardableResult
    public func train(_ model: TrainingModel, on examples: [TokenizedDialogue], checkpointEvery: Int = 0,
                      checkpoint: ((Int) throws -> Void)? = nil,
                      progress: ((TrainingProgress) -> Void)? = nil) throws -> [Float] {
        guard !examples.isEmpty else { throw OrganismError(file: "training data", "no examples to train on") }
        var optimizer = AdamW(layout: model.layout, options: options)
        var rng = SplitMix64(seed: options.seed)
        var order: [Int] = []
        var cursor = 0
        var losses: [Float] = []
        let clock = ContinuousClock()
        for step in 0..<options.steps {
            let started = clock.now
            var picked: [(ids: [Int], answerMask: [Bool])] = []
            for _ in 0..<min(options.batchSize, examples.count) {
                if cursor == order.count {
                    order = Array(examples.indices)
                    order.shuffle(using: &rng)
                    cursor = 0
                }
                let e = examples[order[cursor]]
                picked.append((e.ids, e.answerMask))
                cursor += 1
            }
            let batch = Batch.make(picked, pad: WordTokenizer.pad)
            let loss = model.lossAndGradients(batch)
            guard loss.isFinite else { throw OrganismError(file: "training", "loss became \(loss) at step \(step)") }
            let norm = AdamW.clip(&model.gradients, maxNorm: options.clipNorm)
            let lr = options.learningRate(at: step)
            optimizer.update(&model.parameters, model.gradients, lr: lr)
            losses.append(loss)
            let seconds = (clock.now - started) / .seconds(1)
            progress?(TrainingProgress(step: step, loss: loss, learningRate: lr, gradientNorm: norm,
                                       tokens: batch.tokens.count, tokensPerSecond: Double(batch.tokens.count) / max(seconds, 1e-9)))
            if checkpointEvery > 0, (step + 1) % checkpointEvery == 0, step + 1 < options.steps { try checkpoint?(step + 1) }
        }
        return losses
    }
}
