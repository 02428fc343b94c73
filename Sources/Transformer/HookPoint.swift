/// A place in the forward pass where activations can be read or changed, named exactly as
/// TransformerLens names it.
///
/// `blocks.{L}.hook_resid_post` equals Hugging Face `hidden_states[L+1]` for every block but the
/// last; HF's last hidden state is the final norm applied to the last block's output, which is
/// `ln_final.hook_normalized` here. `hidden_states[0]` is `blocks.0.hook_resid_pre`.
public enum HookPoint: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Token embeddings (plus learned positions for GPT-2): (tokens, d_model).
    case embed
    /// The residual stream entering block L.
    case residPre(Int)
    /// What block L's attention adds to the residual stream (after the output projection).
    case attnOut(Int)
    /// The residual stream between attention and MLP of block L.
    case residMid(Int)
    /// What block L's MLP adds to the residual stream.
    case mlpOut(Int)
    /// The residual stream leaving block L.
    case residPost(Int)
    /// The final norm's output, the input of the unembedding.
    case finalNormalized

    /// The per-block hook kinds, in the order the forward pass reaches them.
    public static let blockKinds = ["hook_resid_pre", "hook_attn_out", "hook_resid_mid", "hook_mlp_out", "hook_resid_post"]

    public var name: String {
        switch self {
        case .embed: "hook_embed"
        case .residPre(let l): "blocks.\(l).hook_resid_pre"
        case .attnOut(let l): "blocks.\(l).hook_attn_out"
        case .residMid(let l): "blocks.\(l).hook_resid_mid"
        case .mlpOut(let l): "blocks.\(l).hook_mlp_out"
        case .residPost(let l): "blocks.\(l).hook_resid_post"
        case .finalNormalized: "ln_final.hook_normalized"
        }
    }

    public var description: String { name }

    /// The block this point belongs to; -1 for the embedding, Int.max for the final norm.
    public var layer: Int {
        switch self {
        case .embed: -1
        case .residPre(let l), .attnOut(let l), .residMid(let l), .mlpOut(let l), .residPost(let l): l
        case .finalNormalized: Int.max
        }
    }

    /// Order within the forward pass.
    var order: (Int, Int) {
        switch self {
        case .embed: (-1, 0)
        case .residPre(let l): (l, 0)
        case .attnOut(let l): (l, 1)
        case .residMid(let l): (l, 2)
        case .mlpOut(let l): (l, 3)
        case .residPost(let l): (l, 4)
        case .finalNormalized: (Int.max, 0)
        }
    }

    public static func < (a: HookPoint, b: HookPoint) -> Bool { a.order < b.order }

    /// Parses a TransformerLens hook name such as `blocks.3.hook_resid_post`.
    public init?(name: String) {
        switch name {
        case "hook_embed": self = .embed; return
        case "ln_final.hook_normalized": self = .finalNormalized; return
        default: break
        }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "blocks", let l = Int(parts[1]), l >= 0 else { return nil }
        switch parts[2] {
        case "hook_resid_pre": self = .residPre(l)
        case "hook_attn_out": self = .attnOut(l)
        case "hook_resid_mid": self = .residMid(l)
        case "hook_mlp_out": self = .mlpOut(l)
        case "hook_resid_post": self = .residPost(l)
        default: return nil
        }
    }

    /// Every hook point of a model with `layers` blocks, in forward order.
    public static func all(layers: Int) -> [HookPoint] {
        var points: [HookPoint] = [.embed]
        for l in 0..<layers {
            points += [.residPre(l), .attnOut(l), .residMid(l), .mlpOut(l), .residPost(l)]
        }
        points.append(.finalNormalized)
        return points
    }
}
