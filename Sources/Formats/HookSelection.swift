import Foundation

/// A bad `--hooks`, `--layers`, `--positions` or `--shard` value, as one line naming the flag.
public enum HookSelectionError: Error, CustomStringConvertible, Equatable, Sendable {
    case invalid(flag: String, value: String, expected: String)
    case unknownHook(String)
    case layerOutOfRange(flag: String, layer: Int, nLayers: Int)

    public var description: String {
        switch self {
        case let .invalid(flag, value, expected):
            return "\(flag): invalid value \"\(value)\" (expected \(expected))"
        case let .unknownHook(name):
            let kinds = HookKind.allCases.map { String($0.rawValue.dropFirst("hook_".count)) }.joined(separator: ", ")
            return "--hooks: unknown hook \"\(name)\" (expected \(kinds), \(HookPoint.embedName), \(HookPoint.finalNormName) or a full name like blocks.3.hook_resid_post)"
        case let .layerOutOfRange(flag, layer, nLayers):
            return "\(flag): layer \(layer) out of range (the model has \(nLayers) layers: 0..<\(nLayers))"
        }
    }
}

/// What `--hooks` and `--layers` select, resolved against a model's layer count.
public struct HookSelection: Sendable, Equatable {
    /// Per-block kinds, expanded over the selected layers.
    public var kinds: [HookKind]
    /// Hooks named in full (including `hook_embed` and `ln_final.hook_normalized`).
    public var explicit: [HookPoint]
    public var layers: LayerSelection

    /// Parses `--hooks` (comma-separated short kinds such as `resid_post`, or full names) and `--layers`.
    public static func parse(hooks: String, layers: String = "all") throws -> HookSelection {
        var kinds: [HookKind] = []
        var explicit: [HookPoint] = []
        let items = hooks.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !items.isEmpty, !items.contains(where: \.isEmpty) else {
            throw HookSelectionError.invalid(flag: "--hooks", value: hooks, expected: "a comma-separated list of hooks")
        }
        for item in items {
            if let kind = HookKind(rawValue: item) ?? HookKind(rawValue: "hook_" + item) {
                if !kinds.contains(kind) { kinds.append(kind) }
            } else if let point = HookPoint(name: item) {
                if !explicit.contains(point) { explicit.append(point) }
            } else {
                throw HookSelectionError.unknownHook(item)
            }
        }
        return HookSelection(kinds: kinds, explicit: explicit, layers: try LayerSelection.parse(layers))
    }

    /// The selected hook points in forward-pass order (embed, block by block, final norm).
    public func resolve(nLayers: Int) throws -> [HookPoint] {
        var points = Set(explicit)
        for point in explicit {
            if let layer = point.blockIndex, layer >= nLayers {
                throw HookSelectionError.layerOutOfRange(flag: "--hooks", layer: layer, nLayers: nLayers)
            }
        }
        if !kinds.isEmpty {
            for layer in try layers.resolve(nLayers: nLayers) {
                for kind in kinds { points.insert(HookPoint(layer: layer, kind: kind)) }
            }
        }
        return points.sorted()
    }

    /// The selected hook names (the `/acts` dataset names) in forward-pass order.
    public func resolveNames(nLayers: Int) throws -> [String] {
        try resolve(nLayers: nLayers).map(\.name)
    }
}

/// `--layers`, the one layer grammar of every command: `all`, `6`, `0,4,8`, or a half-open Python
/// slice `4:12` (`:4`, `8:`, negatives count from the end). The old inclusive `2-5` of `steer`
/// and `export-control-vector` is still read, as the slice `2:6`.
public enum LayerSelection: Sendable, Equatable {
    case all
    case list([Int])
    case range(start: Int?, end: Int?)

    /// Parses a `--layers` value.
    public static func parse(_ text: String) throws -> LayerSelection {
        let value = text.trimmingCharacters(in: .whitespaces)
        let expected = "all, a layer, a list like 0,4,8 or a slice like 4:12"
        if value == "all" { return .all }
        let bounds = value.split(separator: "-", omittingEmptySubsequences: false)
        if bounds.count == 2, let lo = Int(bounds[0]), let hi = Int(bounds[1]) {
            guard lo <= hi else { throw HookSelectionError.invalid(flag: "--layers", value: text, expected: expected) }
            return .range(start: lo, end: hi + 1)
        }
        if value.contains(":") {
            let parts = value.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw HookSelectionError.invalid(flag: "--layers", value: text, expected: expected) }
            func bound(_ s: Substring) throws -> Int? {
                if s.isEmpty { return nil }
                guard let v = Int(s) else { throw HookSelectionError.invalid(flag: "--layers", value: text, expected: expected) }
                return v
            }
            return .range(start: try bound(parts[0]), end: try bound(parts[1]))
        }
        let items = value.split(separator: ",", omittingEmptySubsequences: false)
        let layers = items.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !items.isEmpty, layers.count == items.count else {
            throw HookSelectionError.invalid(flag: "--layers", value: text, expected: expected)
        }
        return .list(layers)
    }

    /// The layer indices, ascending and unique; out-of-range layers are an error.
    public func resolve(nLayers: Int) throws -> [Int] {
        switch self {
        case .all:
            return Array(0..<nLayers)
        case let .list(layers):
            for layer in layers where layer < -nLayers || layer >= nLayers {
                throw HookSelectionError.layerOutOfRange(flag: "--layers", layer: layer, nLayers: nLayers)
            }
            return Array(Set(layers.map { $0 < 0 ? $0 + nLayers : $0 })).sorted()
        case let .range(start, end):
            func absolute(_ v: Int?, default d: Int) throws -> Int {
                guard let v else { return d }
                let a = v < 0 ? v + nLayers : v
                guard a >= 0, a <= nLayers else {
                    throw HookSelectionError.layerOutOfRange(flag: "--layers", layer: v, nLayers: nLayers)
                }
                return a
            }
            let lower = try absolute(start, default: 0), upper = try absolute(end, default: nLayers)
            guard lower < upper else {
                throw HookSelectionError.invalid(flag: "--layers", value: "\(start.map(String.init) ?? ""):\(end.map(String.init) ?? "")",
                                                 expected: "a non-empty slice of 0..<\(nLayers)")
            }
            return Array(lower..<upper)
        }
    }
}

/// The one `--positions` grammar of every command: `all`, `last`, `mean`, `index:K` (or a bare
/// `K`; negative counts from the end), `marker:TEXT`, `from:K`, or a list `0,3,4`. Each command
/// takes the forms that mean something to it: `extract` stores rows (`PositionSelection`), the
/// interventions write at positions (`PositionSelector` in Interventions).
public enum PositionSpec: Sendable, Equatable {
    case all, last, mean
    case index(Int)
    case marker(String)
    case from(Int)
    case list([Int])

    /// Parses a `--positions` value; nil when it is none of the forms.
    public static func parse(_ text: String) -> PositionSpec? {
        switch text {
        case "all": return .all
        case "last": return .last
        case "mean": return .mean
        default:
            if text.hasPrefix("index:") { return Int(text.dropFirst("index:".count)).map(PositionSpec.index) }
            if text.hasPrefix("marker:") { return text.count > "marker:".count ? .marker(String(text.dropFirst("marker:".count))) : nil }
            if text.hasPrefix("from:") { return Int(text.dropFirst("from:".count)).map(PositionSpec.from) }
            let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            let values = parts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !parts.isEmpty, values.count == parts.count else { return nil }
            return values.count == 1 ? .index(values[0]) : .list(values)
        }
    }
}

/// `--positions`: which token rows of each prompt are stored.
public enum PositionSelection: Sendable, Equatable {
    /// The last token of each prompt.
    case last
    /// Every token (one row per token).
    case all
    /// The mean over the prompt's tokens.
    case mean
    /// Token K, negative counting from the end (`index:-2` is the second to last).
    case index(Int)
    /// The last token of the first occurrence of TEXT in the prompt.
    case marker(String)

    /// Parses a `--positions` value: the forms of `PositionSpec` that choose rows to store.
    public static func parse(_ text: String) throws -> PositionSelection {
        switch PositionSpec.parse(text) {
        case .all?: return .all
        case .last?: return .last
        case .mean?: return .mean
        case .index(let k)?: return .index(k)
        case .marker(let marker)?: return .marker(marker)
        default:
            throw HookSelectionError.invalid(flag: "--positions", value: text,
                                             expected: "last, all, mean, index:K or marker:TEXT")
        }
    }

    /// The `positions` attribute of the activations file.
    public var name: String {
        switch self {
        case .last: return "last"
        case .all: return "all"
        case .mean: return "mean"
        case let .index(k): return "index:\(k)"
        case let .marker(text): return "marker:\(text)"
        }
    }

    /// The token row chosen for a prompt of `tokenCount` tokens (`last`/`index`), nil when
    /// the index falls outside the prompt. `all`, `mean` and `marker` need more than a count.
    public func tokenIndex(tokenCount: Int) -> Int? {
        switch self {
        case .last: return tokenCount > 0 ? tokenCount - 1 : nil
        case let .index(k):
            let i = k < 0 ? tokenCount + k : k
            return (0..<tokenCount).contains(i) ? i : nil
        default: return nil
        }
    }
}
