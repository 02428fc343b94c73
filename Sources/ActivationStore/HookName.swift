/// The per-block hook kinds, named as TransformerLens names them.
public enum HookKind: String, CaseIterable, Sendable {
    case residPre = "hook_resid_pre"
    case attnOut = "hook_attn_out"
    case residMid = "hook_resid_mid"
    case mlpOut = "hook_mlp_out"
    case residPost = "hook_resid_post"
}

/// A parsed hook name: `hook_embed`, `blocks.{L}.<kind>` or `ln_final.hook_normalized`.
/// (ActivationStore knows no models; `Transformer.HookPoint(name:)` turns `name` into a hook.)
public enum HookName: Hashable, Sendable, CustomStringConvertible {
    case embed
    case block(layer: Int, kind: HookKind)
    case finalNorm

    /// The embedding hook (before block 0).
    public static let embedName = "hook_embed"
    /// The final norm's output (Hugging Face's last hidden state).
    public static let finalNormName = "ln_final.hook_normalized"

    /// Parses a full hook name; nil when it is not one.
    public init?(name: String) {
        switch name {
        case Self.embedName: self = .embed
        case Self.finalNormName: self = .finalNorm
        default:
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0] == "blocks", let layer = Int(parts[1]), layer >= 0,
                  String(layer) == parts[1], let kind = HookKind(rawValue: String(parts[2])) else { return nil }
            self = .block(layer: layer, kind: kind)
        }
    }

    /// The TransformerLens name, used verbatim as the `/acts` dataset name.
    public var name: String {
        switch self {
        case .embed: return Self.embedName
        case .finalNorm: return Self.finalNormName
        case let .block(layer, kind): return "blocks.\(layer).\(kind.rawValue)"
        }
    }

    public var description: String { name }

    /// The block index, nil for the embedding and final-norm hooks.
    public var layer: Int? {
        if case let .block(layer, _) = self { return layer }
        return nil
    }
}
