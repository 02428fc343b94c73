import Foundation
import Testing
import TestSupport
import Tensors
@testable import ModelFiles

/// A scratch folder removed when the test ends.
final class TemporaryDirectory {
    let url: URL
    init() throws {
        url = try TestFixtures.temporaryDirectory()
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    func file(_ name: String) -> URL { url.appendingPathComponent(name) }
}

/// Builds a safetensors file from a header object and a data section.
func safetensorsBytes(header: String, data: [UInt8]) -> Data {
    var out = Data()
    let h = Data(header.utf8)
    withUnsafeBytes(of: UInt64(h.count).littleEndian) { out.append(contentsOf: $0) }
    out.append(h)
    out.append(contentsOf: data)
    return out
}

@Suite struct SafetensorsTests {
    @Test func roundTripAllStoredTypes() throws {
        let dir = try TemporaryDirectory()
        let a = Tensor(shape: [2, 3], storage: [1, -2, 0.5, 3.25, 1e-3, -7])
        let b = Tensor(shape: [4], storage: [0, 1, 2, 3])
        for stored in [SafetensorsWriter.StoredType.f32, .f16, .bf16] {
            let url = dir.file("m-\(stored.rawValue).safetensors")
            try SafetensorsWriter.write(["a": a, "b": b], to: url, as: stored)
            let file = try SafetensorsFile(path: url.path)
            #expect(file.entries["a"]?.dtype.rawValue == stored.rawValue)
            #expect(file.metadata["format"] == "pt")
            let readA = try file.tensor("a")
            #expect(readA.shape == [2, 3])
            let tolerance: Float = stored == .f32 ? 0 : (stored == .f16 ? 2e-3 : 2e-2)
            for (x, y) in zip(readA.storage, a.storage) { #expect(abs(x - y) <= tolerance * max(1, abs(y))) }
            #expect(try file.tensor("b").storage == b.storage)
        }
    }

    private func expectError(_ bytes: Data, contains text: String) throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("model.safetensors")
        try bytes.write(to: url)
        do {
            _ = try SafetensorsFile(path: url.path)
            Issue.record("expected an error containing \"\(text)\"")
        } catch let error as ModelFileError {
            #expect(error.description.hasPrefix("model.safetensors: "))
            #expect(error.description.contains(text), "\(error.description)")
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func truncatedFile() throws {
        try expectError(Data([1, 2, 3]), contains: "truncated")
    }

    @Test func headerLengthLargerThanFile() throws {
        var bytes = Data()
        withUnsafeBytes(of: UInt64(1000).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(Data("{}".utf8))
        try expectError(bytes, contains: "runs past the end of the file")
    }

    @Test func offsetsPastTheData() throws {
        try expectError(safetensorsBytes(header: #"{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, data: [UInt8](repeating: 0, count: 8)),
                        contains: "run past the data section")
    }

    @Test func sizeDisagreesWithShape() throws {
        try expectError(safetensorsBytes(header: #"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8)),
                        contains: "do not hold shape")
    }

    @Test func wrongDtypeString() throws {
        try expectError(safetensorsBytes(header: #"{"w":{"dtype":"F33","shape":[2],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8)),
                        contains: "unsupported dtype \"F33\"")
    }

    /// Shapes whose byte count overflows Int are an error, never a trap (fuzzing found these).
    @Test func shapeWhoseByteCountOverflows() throws {
        try expectError(safetensorsBytes(header: #"{"w":{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
                        contains: "overflows")
        try expectError(safetensorsBytes(header: #"{"w":{"dtype":"F16","shape":[2147483648,2147483648],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
                        contains: "overflows")
    }

    /// As the reference implementation: tensors tile the data section with no overlap and no gap.
    @Test func overlappingOrGappedOffsets() throws {
        try expectError(safetensorsBytes(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
                                         data: [UInt8](repeating: 0, count: 12)),
                        contains: "overlap or leave a gap")
        try expectError(safetensorsBytes(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: [UInt8](repeating: 0, count: 8)),
                        contains: "overlap or leave a gap")
        try expectError(safetensorsBytes(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: [UInt8](repeating: 0, count: 8)),
                        contains: "tensors end at byte 4 of a 8-byte data section")
    }

    @Test func fractionalOffsets() throws {
        try expectError(safetensorsBytes(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4.5]}}"#, data: [UInt8](repeating: 0, count: 8)),
                        contains: "data_offsets is not a pair of integers")
        try expectError(safetensorsBytes(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0.0,4.0]}}"#, data: [UInt8](repeating: 0, count: 4)),
                        contains: "data_offsets is not a pair of integers")
    }

    /// BF16 and F16 tensors are used where they lie in the map, F32 likewise.
    @Test func weightsAreViewsOfTheMap() throws {
        let dir = try TemporaryDirectory()
        let a = Tensor(shape: [2, 4], storage: [1, -2, 0.5, 3.25, 1e-3, -7, 8, 9])
        for stored in [SafetensorsWriter.StoredType.bf16, .f16, .f32] {
            let url = dir.file("w-\(stored.rawValue).safetensors")
            try SafetensorsWriter.write(["a": a], to: url, as: stored)
            let file = try SafetensorsFile(path: url.path)
            let w = try file.weights("a")
            #expect(w.dtype.rawValue == stored.rawValue && w.rows == 2 && w.columns == 4)
            #expect(w.owner is MappedFile, "\(stored.rawValue) was copied")
            #expect(w.floatArray() == (try file.tensor("a")).storage)
        }
    }

    @Test func headerNotJSON() throws {
        try expectError(safetensorsBytes(header: "{not json", data: []), contains: "not a JSON object")
    }

    @Test func shapeWithBooleans() throws {
        try expectError(safetensorsBytes(header: #"{"w":{"dtype":"F32","shape":[true],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
                        contains: "shape is not a list")
    }
}

@Suite struct ModelConfigTests {
    @Test func bothConfigStyles() throws {
        let old = try ModelConfig(json: Data(#"{"architectures":["LlamaForCausalLM"],"hidden_size":64,"intermediate_size":96,"num_hidden_layers":2,"num_attention_heads":4,"vocab_size":100,"rope_theta":500000.0,"torch_dtype":"bfloat16","rope_scaling":{"rope_type":"llama3","factor":8.0,"low_freq_factor":1.0,"high_freq_factor":4.0,"original_max_position_embeddings":8192}}"#.utf8))
        #expect(old.ropeTheta == 500000)
        #expect(old.dtype == "bfloat16")
        #expect(old.kvHeadCount == 4 && old.headDim == 16)
        #expect(old.ropeScaling == .llama3(factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 8192))
        let new = try ModelConfig(json: Data(#"{"architectures":["Qwen2ForCausalLM"],"hidden_size":64,"intermediate_size":96,"num_hidden_layers":2,"num_attention_heads":4,"num_key_value_heads":2,"head_dim":32,"vocab_size":100,"dtype":"float16","rope_parameters":{"rope_theta":1000000.0,"rope_type":"default"}}"#.utf8))
        #expect(new.ropeTheta == 1_000_000)
        #expect(new.dtype == "float16")
        #expect(new.qkvBias && !new.outputBias)
        #expect(new.headDim == 32 && new.qDim == 128 && new.kvDim == 64)
    }

    private func expectError(_ json: String, contains text: String) {
        do {
            _ = try ModelConfig(json: Data(json.utf8))
            Issue.record("expected an error containing \"\(text)\"")
        } catch {
            #expect("\(error)".hasPrefix("config.json: "))
            #expect("\(error)".contains(text), "\(error)")
        }
    }

    @Test func missingField() {
        expectError(#"{"architectures":["LlamaForCausalLM"],"hidden_size":64,"num_hidden_layers":2,"num_attention_heads":4,"vocab_size":100}"#,
                    contains: "missing field \"intermediate_size\"")
    }

    @Test func unknownArchitecture() {
        expectError(#"{"architectures":["BertForMaskedLM"]}"#, contains: "unknown architecture \"BertForMaskedLM\"")
    }

    @Test func unsupportedRopeScaling() {
        expectError(#"{"architectures":["LlamaForCausalLM"],"hidden_size":64,"intermediate_size":96,"num_hidden_layers":2,"num_attention_heads":4,"vocab_size":100,"rope_scaling":{"type":"yarn","factor":4.0}}"#,
                    contains: "unsupported rope_scaling type \"yarn\"")
    }

    @Test func wrongFieldType() {
        expectError(#"{"architectures":["GPT2LMHeadModel"],"n_embd":"64","n_layer":2,"n_head":4,"vocab_size":100,"n_positions":32}"#,
                    contains: "field \"n_embd\" must be a positive integer")
    }

    @Test func notJSON() {
        expectError("architectures: llama", contains: "not a JSON object")
    }
}
