import Foundation
import Testing
@testable import Pipelines

@Suite("Study config")
struct StudyConfigTests {
    static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    func message(_ body: () throws -> Void) -> String? {
        do { try body() } catch { return "\(error)" }
        return nil
    }

    @Test func shippedConfigsParseAndValidate() throws {
        let full = try StudyConfig.load(path: Self.repositoryRoot.appendingPathComponent("Studies/persistence.yaml").path)
        #expect(full.sizes == ["tiny", "small", "base"])
        #expect(full.variants == ["plain", "cot", "distilled-cot"])
        #expect(full.methods == ["none", "sft", "rl", "adversarial"])
        #expect(full.resolvedSizes.map(\.dModel) == [32, 96, 160])
        // The shipped default is the built-in one: `{}` runs the same study.
        #expect(full == StudyConfig())
        let quick = try StudyConfig.load(path: Self.repositoryRoot.appendingPathComponent("Studies/persistence-quick.yaml").path)
        #expect(quick.resolvedSizes.map(\.name) == ["tiny", "mini"])
        #expect(quick.variants == ["plain"])
    }

    @Test func emptyConfigIsTheDefault() throws {
        let config = try StudyConfig.parse("", path: "s.yaml")
        #expect(config == StudyConfig())
        try config.validate(path: "s.yaml")
    }

    @Test(arguments: [
        ("methods: [sft, ppo]", "s.yaml: methods: unknown value \"ppo\" (allowed: none, sft, rl, adversarial)"),
        ("sizes: [tiny, huge]", "s.yaml: sizes: unknown value \"huge\" (allowed: tiny, small, base)"),
        ("variants: [plain, scratchpad]", "s.yaml: variants: unknown value \"scratchpad\" (allowed: plain, cot, distilled-cot)"),
        ("variants: [distilled-cot]", "s.yaml: variants: distilled-cot is distilled from the cot organism, so cot must be listed too"),
        ("methods: []", "s.yaml: methods: give at least one (allowed: none, sft, rl, adversarial)"),
        ("methods: [sft, sft]", "s.yaml: methods: a value is listed twice"),
        ("backdoor_steps: 0", "s.yaml: backdoor_steps: must be at least 1, got 0"),
        ("probe_layer: 2", "s.yaml: probe_layer: 2 is not a block of every size (0..<2)"),
        ("shapes: [{name: odd, d_model: 30, layers: 1, heads: 4, ffn: 8}]",
         "s.yaml: shapes: odd: d_model must split into heads of even width, every field positive"),
    ])
    func badNamesAndNumbersAreOneLineErrors(yaml: String, expected: String) throws {
        let error = message { try StudyConfig.parse(yaml, path: "s.yaml").validate(path: "s.yaml") }
        #expect(error == expected)
    }

    @Test func malformedYAMLNamesTheField() {
        #expect(message { _ = try StudyConfig.parse("method: [sft]", path: "s.yaml") }?
            .hasPrefix("s.yaml: unknown field \"method\" (known: ") == true)
        #expect(message { _ = try StudyConfig.parse("backdoor_steps: many", path: "s.yaml") } == "s.yaml: backdoor_steps: expected Int")
        #expect(message { _ = try StudyConfig.parse("- a\n- b", path: "s.yaml") } == "s.yaml: expected a mapping of study settings")
        #expect(message { _ = try StudyConfig.parse("safety_steps: 1:30", path: "s.yaml") } == "s.yaml: safety_steps: expected a number, got \"1:30\"")
        #expect(message { _ = try StudyConfig.parse("sizes: [tiny", path: "s.yaml") } == "s.yaml: top level: The given data was not valid YAML.")
        #expect(message { _ = try StudyConfig.load(path: "/nonexistent/study.yaml") }
            == "/nonexistent/study.yaml: cannot read the study config (missing or unreadable)")
    }

    @Test func customShapesAddSizeNames() throws {
        let config = try StudyConfig.parse("sizes: [mini, tiny]\nshapes: [{name: mini, d_model: 16, layers: 1, heads: 2, ffn: 32}]",
                                           path: "s.yaml")
        try config.validate(path: "s.yaml")
        #expect(config.resolvedSizes.map(\.dModel) == [16, 32])
    }

    @Test func promptFilesAreResolvedBesideTheConfigAndAMissingOneFailsBeforeTraining() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("study-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("study.yaml").path
        try "contrast_pairs: pairs.jsonl\n".write(toFile: path, atomically: true, encoding: .utf8)
        let config = try StudyConfig.load(path: path)
        #expect(config.contrastPairs == folder.appendingPathComponent("pairs.jsonl").path)
        let out = folder.appendingPathComponent("out")
        let study = PersistenceStudy(config: config, out: out, toolVersion: "test")
        #expect(message { _ = try study.run { _ in } } == "contrast_pairs: prompt file \(folder.path)/pairs.jsonl does not exist")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}
