/// The per-block hook kinds, named as TransformerLens names them, in the order the forward
/// pass reaches them.
public enum HookKind: String, CaseIterable, Sendable {
    case residPre = "hook_resid_pre"
    case attnOut = "hook_attn_out"
    case residMid = "hook_resid_mid"
    case mlpOut = "hook_mlp_out"
    case residPost = "hook_resid_post"
}

/// A place in the forward pass where activations can be read or changed, named exactly as
/// TransformerLens names it.
///
/// `blocks.{L}.hook_resid_post` equals Hugging Face `hidden_states[L+1]` for every block but the
/// last; HF's last hidden state is the final norm applied to the last block's output, which is
/// `ln_final.hook_normalized` here. `hidden_states[0]` is `blocks.0.hook_resid_pre`.
/// It lives in ModelFiles so that ActivationStore (which knows no models) names its `/acts`
/// datasets with the same type the forward pass hooks with.
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

    /// The embedding hook's name (before block 0).
    public static let embedName = "hook_embed"
    /// The final norm's name (Hugging Face's last hidden state).
    public static let finalNormName = "ln_final.hook_normalized"

    /// The `kind` hook of block `layer`.
    public init(layer: Int, kind: HookKind) {
        switch kind {
        case .residPre: self = .residPre(layer)
        case .attnOut: self = .attnOut(layer)
        case .residMid: self = .residMid(layer)
        case .mlpOut: self = .mlpOut(layer)
        case .residPost: self = .residPost(layer)
        }
    }

    /// The per-block kind; nil for the embedding and the final norm.
    public var kind: HookKind? {
        switch self {
        case .embed, .finalNormalized: nil
        case .residPre: .residPre
        case .attnOut: .attnOut
        case .residMid: .residMid
        case .mlpOut: .mlpOut
        case .residPost: .residPost
        }
    }

    /// The block index; nil for the embedding and the final norm.
    public var blockIndex: Int? { kind == nil ? nil : layer }

    public var name: String {
        switch self {
        case .embed: Self.embedName
        case .residPre(let l): "blocks.\(l).hook_resid_pre"
        case .attnOut(let l): "blocks.\(l).hook_attn_out"
        case .residMid(let l): "blocks.\(l).hook_resid_mid"
        case .mlpOut(let l): "blocks.\(l).hook_mlp_out"
        case .residPost(let l): "blocks.\(l).hook_resid_post"
        case .finalNormalized: Self.finalNormName
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
    private var order: (Int, Int) {
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

    /// Parses a TransformerLens hook name such as `blocks.3.hook_resid_post`; the layer must be
    /// written plainly (no sign, no leading zeros), so a name round-trips through `name`.
    public init?(name: String) {
        switch name {
        case Self.embedName: self = .embed
        case Self.finalNormName: self = .finalNormalized
        default:
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0] == "blocks", let layer = Int(parts[1]), layer >= 0,
                  String(layer) == parts[1], let kind = HookKind(rawValue: String(parts[2])) else { return nil }
            self.init(layer: layer, kind: kind)
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
