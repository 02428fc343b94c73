import Transformer

/// Mean ablation: the projection on r̂ is set to a reference value (e.g. the clean prompts'
/// mean projection) instead of zero: x ← x − (x·r̂ − μ) r̂.
public struct MeanAblation: Sendable {
    public let directions: DirectionSet
    /// Point → the reference projection on each component.
    public let reference: [HookPoint: [Float]]
    public let positions: PositionSelector

    /// Fails when a point has a different number of reference values than there are components.
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

    /// Registers the mean ablation at each reference point, in prefill and every decode step.
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
