import Foundation
import Testing
import Tensors
import ModelFiles
import Transformer
import TestSupport

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

    /// NaN or Inf weights fail at load naming the tensor; --allow-nonfinite loads them.
    @Test func nonFiniteWeights() throws {
        let dir = try brokenModel { $0["model.layers.1.mlp.down_proj.weight"]!.storage[17] = .nan }
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect { _ = try TransformerModel.load(directory: dir) } throws: { error in
            "\(error)".hasPrefix("model.safetensors: tensor model.layers.1.mlp.down_proj.weight holds NaN or Inf (element 17)")
                && "\(error)".contains("--allow-nonfinite")
        }
        let model = try TransformerModel.load(directory: dir, options: LoadOptions(allowNonFinite: true))
        #expect(model.parameterCount > 0)
    }

    /// A prompt longer than max_position_embeddings is refused with both lengths; a rotary model
    /// runs it when allowed.
    @Test func promptLongerThanTheModelAllows() throws {
        let dir = Fixtures.inference("llama-tied")
        let model = try TransformerModel.load(directory: dir)
        let limit = model.config.maxPositions
        let long = (0..<(limit + 1)).map { $0 % model.config.vocabSize }
        #expect { _ = try model.forward([[1, 2], long]) } throws: { error in
            "\(error)" == "sequence 1 is \(limit + 1) tokens long; the model allows \(limit) (max_position_embeddings) (--allow-long-prompts runs it anyway)"
        }
        let lenient = try TransformerModel.load(directory: dir, options: LoadOptions(allowLongPrompts: true))
        #expect(try lenient.forward([long]).logits != nil)
        let gpt2 = try TransformerModel.load(directory: Fixtures.inference("gpt2"), options: LoadOptions(allowLongPrompts: true))
        let tooLong = (0..<(gpt2.config.maxPositions + 1)).map { $0 % gpt2.config.vocabSize }
        #expect(throws: ForwardError.self) { _ = try gpt2.forward([tooLong]) }
    }

    /// Weights widened to F32 at load give the same activations as weights used as stored.
    @Test(arguments: ["llama-bf16", "qwen2-f16"])
    func widenedEqualsStored(_ name: String) throws {
        let stored = try TransformerModel.load(directory: Fixtures.inference(name))
        let widened = try TransformerModel.load(directory: Fixtures.inference(name), options: LoadOptions(precision: .f32))
        #expect(widened.weightBytes > stored.weightBytes)
        let prompt = Array(0..<40).map { ($0 * 7) % stored.config.vocabSize }
        let a = try stored.forward([prompt], logits: .all).logits!.storage
        let b = try widened.forward([prompt], logits: .all).logits!.storage
        #expect(relativeError(a, b) <= 1e-5)
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

/// A model that cannot fit in memory is refused before anything is read: the estimate comes
/// from the safetensors headers (a sparse file stands in for a 40 GiB checkpoint).
@Suite struct MemoryBudgetTests {
    @Test func modelLargerThanMemoryIsRefusedBeforeLoading() throws {
        let dir = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let d = 8, vocab = 40 << 26  // (vocab, 8) BF16 = 40 GiB
        let config = """
            {"architectures": ["LlamaForCausalLM"], "hidden_size": \(d), "intermediate_size": \(d), "num_hidden_layers": 1,
             "num_attention_heads": 1, "vocab_size": \(vocab), "tie_word_embeddings": true}
            """
        try Data(config.utf8).write(to: dir.appendingPathComponent("config.json"))
        var shapes: [(String, [Int])] = [("model.embed_tokens.weight", [vocab, d]), ("model.norm.weight", [d])]
        for name in ["q_proj", "k_proj", "v_proj", "o_proj"] { shapes.append(("model.layers.0.self_attn.\(name).weight", [d, d])) }
        for name in ["gate_proj", "up_proj", "down_proj"] { shapes.append(("model.layers.0.mlp.\(name).weight", [d, d])) }
        shapes += [("model.layers.0.input_layernorm.weight", [d]), ("model.layers.0.post_attention_layernorm.weight", [d])]
        var header: [String] = []
        var offset = 0
        for (name, shape) in shapes {
            let bytes = shape.reduce(2, *)
            header.append("\"\(name)\":{\"dtype\":\"BF16\",\"shape\":[\(shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + bytes)]}")
            offset += bytes
        }
        var headerData = Data(("{" + header.joined(separator: ",") + "}").utf8)
        while headerData.count % 8 != 0 { headerData.append(0x20) }
        var file = Data()
        withUnsafeBytes(of: UInt64(headerData.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(headerData)
        let url = dir.appendingPathComponent("model.safetensors")
        try file.write(to: url)
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(file.count + offset))  // sparse: no disk used
        try handle.close()
        #expect { _ = try TransformerModel.load(directory: dir) } throws: { error in
            "\(error)".contains("the weights need 40.0 GiB but this machine has") && !"\(error)".contains("\n")
        }
    }
}
