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

    /// Ablation at exactly `points` (e.g. one layer's `hook_resid_post`).
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
