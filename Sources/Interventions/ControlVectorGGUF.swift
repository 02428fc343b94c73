import Foundation
import Transformer

/// Writes a steering vector as a llama.cpp control vector: GGUF v3 with
/// `general.architecture = "controlvector"`, `controlvector.model_hint`,
/// `controlvector.layer_count`, and one F32 tensor `direction.{n}` (n_embd values) per layer, as
/// `tools/cvector-generator` writes them.
///
/// Layer convention (llama.cpp `src/llama-adapter.cpp` and `common.cpp`'s control-vector loader):
/// the loader stores tensor `direction.n` at offset (n − 1)·n_embd of its buffer, and
/// `llama_adapter_cvec` keeps one tensor per block for blocks 1 … n_layer − 1 ("there's never a
/// tensor for layer 0"); each block's graph adds tensor il to the block's output (`l_out-il`,
/// after the MLP's residual add). So `direction.n` is added to the output of block n, which is
/// `blocks.{n}.hook_resid_post` here, for n = 1 … n_layer − 1; index 0 is rejected because the
/// buffer has no slot for it: block 0's output cannot be steered from a control vector.
/// `blocks.{L}.hook_resid_pre` is block L − 1's output, so it maps to `direction.{L-1}`.
public enum ControlVectorGGUF {
    /// The GGUF layer index of a hook point, or an error for points llama.cpp cannot steer.
    public static func layerIndex(of point: HookPoint, layers: Int) throws -> Int {
        let n: Int
        switch point {
        case .residPost(let l): n = l
        case .residPre(let l): n = l - 1
        default:
            throw InterventionError(point.name, "control vectors add to block outputs only: use blocks.L.hook_resid_post (or hook_resid_pre)")
        }
        guard n >= 1 && n < layers else {
            throw InterventionError(point.name, "llama.cpp control vectors cover blocks.1 … blocks.\(layers - 1).hook_resid_post (direction.1 … direction.\(layers - 1)); block 0's output has no slot")
        }
        return n
    }

    /// GGUF bytes for `vectors` (GGUF layer index → n_embd floats, already scaled).
    public static func encode(vectors: [Int: [Float]], modelHint: String, layerCount: Int) throws -> Data {
        guard let width = vectors.values.first?.count, width > 0 else {
            throw InterventionError("control vector", "no layers to write")
        }
        for (n, v) in vectors where v.count != width || n < 1 {
            throw InterventionError("control vector", n < 1 ? "layer index \(n) is not allowed (llama.cpp rejects 0)" : "direction.\(n) has \(v.count) values, others \(width)")
        }
        let alignment = 32
        var out = Data()
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func i32(_ v: Int32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func string(_ s: String) { let b = Array(s.utf8); u64(UInt64(b.count)); out.append(contentsOf: b) }
        let typeInt32: UInt32 = 5, typeString: UInt32 = 8, tensorF32: UInt32 = 0

        out.append(contentsOf: Array("GGUF".utf8))
        u32(3)                          // version
        u64(UInt64(vectors.count))      // tensors
        u64(3)                          // key-value pairs
        string("general.architecture"); u32(typeString); string("controlvector")
        string("controlvector.model_hint"); u32(typeString); string(modelHint)
        string("controlvector.layer_count"); u32(typeInt32); i32(Int32(layerCount))

        let layers = vectors.keys.sorted()
        let tensorBytes = width * 4
        let stride = (tensorBytes + alignment - 1) / alignment * alignment
        for (i, n) in layers.enumerated() {
            string("direction.\(n)")
            u32(1)                       // dimensions
            u64(UInt64(width))           // ne[0]
            u32(tensorF32)
            u64(UInt64(i * stride))      // offset within the data section
        }
        while out.count % alignment != 0 { out.append(0) }
        for n in layers {
            vectors[n]!.withUnsafeBufferPointer { out.append(contentsOf: UnsafeRawBufferPointer($0)) }
            while out.count % alignment != 0 { out.append(0) }
        }
        return out
    }

    /// `direction · alpha` at each of `points`, written to `url`.
    public static func write(direction: [Float], alpha: Float, points: [HookPoint], layers: Int,
                             modelHint: String, to url: URL) throws {
        guard !points.isEmpty else { throw InterventionError("--layers", "no layers given") }
        var vectors: [Int: [Float]] = [:]
        for p in points {
            let n = try layerIndex(of: p, layers: layers)
            guard vectors[n] == nil else { throw InterventionError(p.name, "direction.\(n) given twice") }
            vectors[n] = direction.map { $0 * alpha }
        }
        // layer_count as cvector-generator writes it: the number of direction tensors.
        try encode(vectors: vectors, modelHint: modelHint, layerCount: vectors.count).write(to: url, options: .atomic)
    }
}
