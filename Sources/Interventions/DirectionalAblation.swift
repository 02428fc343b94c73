import Transformer

/// Directional ablation x ← x − (x·r̂) r̂ (or, with several components, the projection on their
/// whole span removed) at chosen hook points and positions.
///
/// The default points are every write into the residual stream (`hook_embed`, each
/// `hook_attn_out` and `hook_mlp_out`): then no block ever sees the direction, which is
/// what weight orthogonalization bakes into the weights.
public struct DirectionalAblation: Sendable {
    public let directions: DirectionSet
    public let points: [HookPoint]
    public let positions: PositionSelector

    public init(directions: DirectionSet, points: [HookPoint], positions: PositionSelector = .all) {
        self.directions = directions
        self.points = points
        self.positions = positions
    }

    /// Ablation on every residual-stream write of a model with `layers` blocks.
    public static func everyResidualWrite(_ directions: DirectionSet, layers: Int,
                                          positions: PositionSelector = .all) -> DirectionalAblation {
        DirectionalAblation(directions: directions, points: residualWritePoints(layers: layers), positions: positions)
    }

    /// Registers the ablation at each of its points; it runs in prefill and every decode step.
    public func register(on hooks: Hooks) {
        let directions = directions, positions = positions
        hooks.add(points) { a in
            let base = a.values.baseAddress!
            for r in positions.rows(of: a) {
                directions.setProjections(of: base + r * a.width)
            }
        }
    }
}

/// Mean ablation: the projection on r̂ is set to a reference value (e.g. the clean prompts'
/// mean projection) instead of zero: x ← x − (x·r̂ − μ) r̂.
public struct MeanAblation: Sendable {
    public let directions: DirectionSet
    /// Point → the reference projection on each component.
    public let reference: [HookPoint: [Float]]
    public let positions: PositionSelector

    public init(directions: DirectionSet, reference: [HookPoint: [Float]], positions: PositionSelector = .all) throws {
        for (point, values) in reference where values.count != directions.count {
            throw InterventionError("mean ablation", "\(point.name) has \(values.count) reference values for \(directions.count) components")
        }
        self.directions = directions
        self.reference = reference
        self.positions = positions
    }

    /// The mean projection of `prompts`' activations on each component at each point, over every
    /// token of every prompt: the reference a mean ablation restores.
    public static func meanProjections(model: TransformerModel, prompts: [[Int]], points: [HookPoint],
                                       directions: DirectionSet) throws -> [HookPoint: [Float]] {
        guard !prompts.isEmpty else { throw InterventionError("mean ablation", "no reference prompts") }
        let hooks = Hooks()
        var sums: [HookPoint: [Double]] = [:]
        var counts: [HookPoint: Int] = [:]
        hooks.add(points) { a in
            var s = sums[a.point] ?? [Double](repeating: 0, count: directions.count)
            let base = a.values.baseAddress!
            for r in 0..<a.rows {
                for (i, p) in directions.projections(of: base + r * a.width).enumerated() { s[i] += Double(p) }
            }
            sums[a.point] = s
            counts[a.point, default: 0] += a.rows
        }
        _ = try model.forward(prompts, hooks: hooks, logits: .none)
        var out: [HookPoint: [Float]] = [:]
        for (p, s) in sums { out[p] = s.map { Float($0 / Double(counts[p]!)) } }
        return out
    }

    public func register(on hooks: Hooks) {
        let directions = directions, positions = positions
        for (point, targets) in reference {
            hooks.add(point) { a in
                let base = a.values.baseAddress!
                for r in positions.rows(of: a) {
                    directions.setProjections(of: base + r * a.width, to: targets)
                }
            }
        }
    }
}
