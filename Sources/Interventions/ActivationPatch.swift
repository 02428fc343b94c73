import Transformer

/// Activation patching: at chosen points and positions, a hook's activation is replaced by the
/// one cached from another prompt's run (the "source"), e.g. a triggered prompt's residual
/// stream patched into a clean run.
public struct ActivationPatch: Sendable {
    /// Point → position → the source's row (d_model).
    public let source: [HookPoint: [Int: [Float]]]
    public let positions: PositionSelector
    /// Only these sequences of the patched batch are changed (nil: all).
    public let sequences: Set<Int>?

    /// `source` as `capture` returns it, or built by hand (e.g. from an activations file).
    public init(source: [HookPoint: [Int: [Float]]], positions: PositionSelector = .all, sequences: Set<Int>? = nil) {
        self.source = source
        self.positions = positions
        self.sequences = sequences
    }

    /// Runs `prompt` once and caches its activations at `points` for every position.
    public static func capture(model: TransformerModel, prompt: [Int], points: [HookPoint],
                               positions: PositionSelector = .all, sequences: Set<Int>? = nil) throws -> ActivationPatch {
        try checkPoints(points, layers: model.config.layerCount, source: "activation patch")
        let cache = ActivationCache(points: points)
        let hooks = Hooks()
        cache.register(on: hooks)
        _ = try model.forward([prompt], hooks: hooks, logits: .none)
        var source: [HookPoint: [Int: [Float]]] = [:]
        let d = model.config.dModel
        for p in points {
            var byPosition: [Int: [Float]] = [:]
            for (i, row) in cache.rows(p, sequence: 0, width: d).enumerated() { byPosition[i] = row }
            source[p] = byPosition
        }
        return ActivationPatch(source: source, positions: positions, sequences: sequences)
    }

    /// Registers the patch; a position the source prompt does not have is left as it is.
    public func register(on hooks: Hooks) {
        let positions = positions, sequences = sequences
        for (point, rows) in source {
            hooks.add(point) { a in
                let base = a.values.baseAddress!
                for r in positions.rows(of: a) {
                    if let sequences, !sequences.contains(a.sequence[r]) { continue }
                    guard let replacement = rows[a.position[r]], replacement.count == a.width else { continue }
                    replacement.withUnsafeBufferPointer { (base + r * a.width).update(from: $0.baseAddress!, count: a.width) }
                }
            }
        }
    }
}
