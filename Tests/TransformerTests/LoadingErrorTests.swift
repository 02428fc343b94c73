import Foundation
import Testing
import Tensors
import ModelFiles
import Transformer

/// A model directory that cannot be run gets a one-line error naming the file and the tensor.
@Suite struct LoadingErrorTests {
    /// Copies the tiny Llama fixture into a scratch folder with its tensors changed by `edit`.
    private func brokenModel(_ edit: (inout [String: Tensor]) -> Void) throws -> URL {
        let source = Fixtures.inference("llama-tied")
        let dir = try TestFixtures.temporaryDirectory()
        try FileManager.default.copyItem(at: source.appendingPathComponent("config.json"), to: dir.appendingPathComponent("config.json"))
        let file = try SafetensorsFile(path: source.appendingPathComponent("model.safetensors").path)
        var tensors: [String: Tensor] = [:]
        for name in file.entries.keys { tensors[name] = try file.tensor(name) }
        edit(&tensors)
        try SafetensorsWriter.write(tensors, to: dir.appendingPathComponent("model.safetensors"))
        return dir
    }

    private func expectLoadError(_ dir: URL, _ text: String) {
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            _ = try TransformerModel.load(directory: dir)
            Issue.record("expected an error containing \(text)")
        } catch {
            #expect("\(error)".contains(text), "\(error)")
            #expect(!"\(error)".contains("\n"))
        }
    }

    @Test func missingTensor() throws {
        expectLoadError(try brokenModel { $0["model.layers.1.mlp.up_proj.weight"] = nil },
                        "model.safetensors: missing tensor model.layers.1.mlp.up_proj.weight")
    }

    @Test func unusedTensor() throws {
        expectLoadError(try brokenModel { $0["model.layers.0.self_attn.extra.weight"] = Tensor(zeros: [2]) },
                        "model.safetensors: unused tensor model.layers.0.self_attn.extra.weight")
    }

    @Test func shapeMismatch() throws {
        expectLoadError(try brokenModel { $0["model.norm.weight"] = Tensor(zeros: [63]) },
                        "model.safetensors: tensor model.norm.weight has shape [63], expected [64]")
    }

    @Test func noWeights() throws {
        let dir = try brokenModel { _ in }
        try FileManager.default.removeItem(at: dir.appendingPathComponent("model.safetensors"))
        expectLoadError(dir, "no model.safetensors or model.safetensors.index.json")
    }

    @Test func shardIndexNamesMissingFile() throws {
        let dir = try brokenModel { _ in }
        try Data(#"{"metadata":{},"weight_map":{"model.norm.weight":"model-00002-of-00002.safetensors"}}"#.utf8)
            .write(to: dir.appendingPathComponent("model.safetensors.index.json"))
        expectLoadError(dir, "model.safetensors.index.json: weight_map[model.norm.weight] names model-00002-of-00002.safetensors, which does not exist")
    }
}
