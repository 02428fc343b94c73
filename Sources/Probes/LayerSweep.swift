import Foundation
import Tensors

/// Every method at every hook, cross-validated: which layer carries the signal.
public struct LayerSweep: Codable, Sendable, Equatable {
    public struct Entry: Codable, Sendable, Equatable {
        public var hook: String
        /// Parsed from `blocks.{L}.…`; nil for hooks outside the blocks.
        public var layer: Int?
        public var method: ProbeMethod
        public var metrics: CrossValidationSummary
    }

    public var entries: [Entry]

    /// `hooks` in the order given (usually by layer); each matrix is (n, d_model) for the same
    /// n rows described by `labels` and `groups`.
    public static func run(hooks: [(name: String, rows: Tensor)], labels: [Int32], groups: [String],
                           methods: [ProbeOptions], folds: Int, seed: UInt64 = 0,
                           randomDirections: Int = RandomDirectionBaseline.defaultDirections,
                           source: String = "activations") throws -> LayerSweep {
        let matrices = Dictionary(hooks.map { ($0.name, $0.rows) }, uniquingKeysWith: { first, _ in first })
        return try run(hooks: hooks.map(\.name), methods: methods, folds: folds, seed: seed,
                       randomDirections: randomDirections) { name in
            try LabeledActivations(rows: matrices[name] ?? Tensor(zeros: [0, 0]), labels: labels, groups: groups,
                                   hook: name, source: "\(source) [\(name)]")
        }
    }

    /// Loads one hook at a time through `load`, so a sweep over many layers of a large file
    /// holds a single (n, d_model) matrix in memory. Every hook also gets the random-direction
    /// baseline (`randomDirections` directions seeded with `seed`; 0 skips it), shared by its methods.
    public static func run(hooks: [String], methods: [ProbeOptions], folds: Int, seed: UInt64 = 0,
                           randomDirections: Int = RandomDirectionBaseline.defaultDirections,
                           load: (String) throws -> LabeledActivations) throws -> LayerSweep {
        var entries: [Entry] = []
        for name in hooks {
            let data = try load(name)
            let baseline = try RandomDirectionBaseline(data: data, directions: randomDirections, seed: seed)
            for options in methods {
                var metrics = try CrossValidation.run(data, options: options, folds: folds, seed: seed)
                metrics.randomBaseline = baseline
                entries.append(Entry(hook: name, layer: layer(of: name), method: options.method, metrics: metrics))
            }
        }
        return LayerSweep(entries: entries)
    }

    /// `blocks.12.hook_resid_post` → 12.
    public static func layer(of hook: String) -> Int? {
        let parts = hook.split(separator: ".")
        guard parts.count >= 2, parts[0] == "blocks" else { return nil }
        return Int(parts[1])
    }

    /// The entry with the highest mean AUROC (first on ties), optionally for one method.
    public func best(method: ProbeMethod? = nil) -> Entry? {
        var best: Entry?
        for entry in entries where method == nil || entry.method == method {
            if best == nil || entry.metrics.aurocMean > (best?.metrics.aurocMean ?? 0) { best = entry }
        }
        return best
    }

    /// One row per hook; per method "mean ± std" of the cross-validated (signed) AUROC and the
    /// clean-calibrated recall at 1% FPR; then the random-direction median and best |AUROC|.
    public var text: String {
        var methods: [ProbeMethod] = []
        var hooks: [String] = []
        for entry in entries {
            if !methods.contains(entry.method) { methods.append(entry.method) }
            if !hooks.contains(entry.hook) { hooks.append(entry.hook) }
        }
        let hookWidth = max(4, hooks.map(\.count).max() ?? 0)
        let cellWidth = 15, recallWidth = 8
        let hasBaseline = entries.contains { $0.metrics.randomBaseline != nil }
        func pad(_ s: String, _ width: Int) -> String { s + String(repeating: " ", count: max(0, width - s.count)) }
        let header = methods.map { pad($0.rawValue, cellWidth) + " " + pad("R@1%FPR", recallWidth) }
            + (hasBaseline ? ["random |AUROC| median / best"] : [])
        var lines = [pad("hook", hookWidth) + "  " + header.joined(separator: " ")]
        for hook in hooks {
            var cells = methods.map { method -> String in
                guard let entry = entries.first(where: { $0.hook == hook && $0.method == method }) else {
                    return pad("-", cellWidth) + " " + pad("-", recallWidth)
                }
                let recall = entry.metrics.recallAtFPR1Clean.map { String(format: "%.3f", $0) } ?? "-"
                return pad(String(format: "%.3f ± %.3f", entry.metrics.aurocMean, entry.metrics.aurocStd), cellWidth)
                    + " " + pad(recall, recallWidth)
            }
            if hasBaseline {
                let baseline = entries.first { $0.hook == hook }?.metrics.randomBaseline
                cells.append(baseline.map { String(format: "%.3f / %.3f", $0.medianAbsAUROC, $0.bestAbsAUROC) } ?? "-")
            }
            lines.append(pad(hook, hookWidth) + "  " + cells.joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }
}
