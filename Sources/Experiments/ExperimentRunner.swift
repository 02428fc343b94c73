import Foundation
import Tensors
import Transformer

/// A prompt of an experiment, already tokenized (template applied).
public struct ExperimentPrompt: Sendable, Equatable {
    /// The prompt as shown in samples (before the template).
    public var text: String
    public var ids: [Int]
    /// e.g. "triggered" or "clean".
    public var group: String

    public init(text: String, ids: [Int], group: String) {
        self.text = text
        self.ids = ids
        self.group = group
    }
}

/// Errors of setting up or running an experiment; one line naming the input and the problem.
public struct ExperimentError: Error, CustomStringConvertible, Sendable, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Runs prompt groups × conditions: each condition generates from every prompt with the same
/// seeds, detectors judge the completions, and the prefill's next-token distributions are
/// compared with the baseline's.
public struct ExperimentRunner {
    public let model: TransformerModel
    /// Token ids → text, for detectors and samples.
    public let decode: ([Int]) -> String
    /// Asked after each new token of a completion; true ends it there (stop strings).
    public var stopWhen: (([Int]) -> Bool)?
    public let detectors: [BehaviourDetector]

    /// `decode` turns generated ids (stop token removed) into the text detectors judge.
    public init(model: TransformerModel, detectors: [BehaviourDetector], decode: @escaping ([Int]) -> String) {
        self.model = model
        self.detectors = detectors
        self.decode = decode
    }

    /// Runs every condition on every prompt. `progress(done, total)` is called after each batch
    /// (generations counted in prompts). The baseline is always run, first, even if not listed.
    /// `requiredGroups` (e.g. ["triggered", "clean"]) must each have at least one prompt.
    public func run(prompts: [ExperimentPrompt], conditions requested: [ExperimentCondition],
                    settings: ExperimentSettings, modelName: String, modelSHA256: String? = nil,
                    directionName: String? = nil, requiredGroups: [String] = [],
                    progress: ((Int, Int) -> Void)? = nil) throws -> ExperimentReport {
        guard !prompts.isEmpty else { throw ExperimentError("prompts: no prompts given") }
        guard !detectors.isEmpty else { throw ExperimentError("detectors: none given") }
        guard settings.maxNewTokens > 0 else { throw ExperimentError("max_new_tokens must be at least 1") }
        guard settings.batchSize > 0 else { throw ExperimentError("batch_size must be at least 1") }
        var groups: [String] = []
        for p in prompts where !groups.contains(p.group) { groups.append(p.group) }
        groups.sort()
        for g in requiredGroups where !groups.contains(g) {
            throw ExperimentError("prompts: group \"\(g)\" has no prompts (groups present: \(groups.joined(separator: ", ")))")
        }
        for (i, p) in prompts.enumerated() where p.ids.isEmpty {
            throw ExperimentError("prompts: prompt \(i) (group \"\(p.group)\") has no tokens")
        }
        var conditions = [ExperimentCondition.baseline]
        for c in requested where c.kind != .baseline {
            guard !conditions.contains(where: { $0.name == c.name }) else {
                throw ExperimentError("conditions: \"\(c.name)\" appears twice")
            }
            conditions.append(c)
        }
        let layers = model.config.layerCount
        let sampling = SamplingOptions(temperature: settings.temperature, topP: settings.topP, seed: settings.seed)
        let total = conditions.count * prompts.count
        var done = 0

        let conditionHooks = conditions.map { $0.hooks(layers: layers) }
        // KL[condition][prompt]: one prompt's baseline logits (tokens, vocab) at a time, so
        // memory stays at one prompt's worth whatever the vocabulary.
        var kl = [[Double]](repeating: [Double](repeating: 0, count: prompts.count), count: conditions.count)
        for (i, p) in prompts.enumerated() {
            guard let baseline = try model.forward([p.ids], logits: .all).logits else { continue }
            for (c, hooks) in conditionHooks.enumerated() {
                guard let hooks, let logits = try model.forward([p.ids], hooks: hooks, logits: .all).logits else { continue }
                kl[c][i] = meanKL(baseline: baseline, condition: logits)
            }
        }

        var cells: [ExperimentReport.Cell] = []
        for (c, condition) in conditions.enumerated() {
            let hooks = conditionHooks[c]
            var completions = [String](repeating: "", count: prompts.count)
            var start = 0
            while start < prompts.count {
                let end = min(start + settings.batchSize, prompts.count)
                // Each batch draws from its own seed, so a prompt's sample depends only on its
                // index and the seed, never on the condition.
                var batchSampling = sampling
                batchSampling.seed = sampling.seed &+ UInt64(start)
                let generations = try model.generate(prompts: prompts[start..<end].map(\.ids),
                                                     maxNewTokens: settings.maxNewTokens,
                                                     sampling: batchSampling, hooks: hooks,
                                                     stopWhen: stopWhen.map { f in { _, tokens in f(tokens) } })
                for (i, g) in generations.enumerated() {
                    var tokens = g.tokens
                    if g.stoppedByEOS { tokens.removeLast() }
                    completions[start + i] = decode(tokens)
                }
                done += end - start
                progress?(done, total)
                start = end
            }
            for group in groups {
                let members = prompts.indices.filter { prompts[$0].group == group }
                var rates: [String: Proportion] = [:]
                for detector in detectors {
                    let hits = members.filter { detector.matches(completions[$0]) }.count
                    rates[detector.name] = Proportion(successes: hits, trials: members.count)
                }
                // Every position weighs the same: a prompt's mean KL is weighted by its length.
                var klSum = 0.0, positions = 0
                for m in members {
                    klSum += kl[c][m] * Double(prompts[m].ids.count)
                    positions += prompts[m].ids.count
                }
                let samples = members.prefix(settings.samplesPerCell).map { m in
                    ExperimentReport.Sample(prompt: prompts[m].text, completion: completions[m],
                                            detected: detectors.filter { $0.matches(completions[m]) }.map(\.name))
                }
                cells.append(ExperimentReport.Cell(group: group, condition: condition.name, prompts: members.count,
                                                   rates: rates, meanNextTokenKL: klSum / Double(positions),
                                                   samples: Array(samples)))
            }
        }
        return ExperimentReport(
            model: modelName, modelSHA256: modelSHA256, direction: directionName, detectors: detectors.map(\.name),
            groups: groups,
            conditions: conditions.map { c in
                let hooks: [String]
                switch c.kind {
                case .baseline: hooks = []
                case .ablate, .randomAblation: hooks = c.ablationPoints?.map(\.name) ?? ["every residual write"]
                case .steer: hooks = c.steering?.points.map(\.name) ?? []
                }
                let positions = c.kind == .steer ? (c.steering?.positions.description ?? "all") : c.ablationPositions.description
                return .init(name: c.name, kind: c.kind, alpha: c.alpha, hooks: hooks, positions: positions)
            },
            settings: settings, cells: cells)
    }
}
