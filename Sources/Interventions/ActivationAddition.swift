import Transformer

/// Activation addition (steering): x ← x + α·v at chosen hook points and positions, in prefill
/// and every decode step (Turner et al., 2023; llama.cpp's control vectors add to each block's
/// output, which is `blocks.L.hook_resid_post` here).
public struct ActivationAddition: Sendable {
    /// The vector added, already scaled by α: (d_model).
    public let vector: [Float]
    public let points: [HookPoint]
    public let positions: PositionSelector

    /// Adds `coefficient · direction` (the direction as given, not renormalised).
    public init(direction: [Float], coefficient: Float, points: [HookPoint], positions: PositionSelector = .all) {
        vector = direction.map { $0 * coefficient }
        self.points = points
        self.positions = positions
    }

    /// The `hook_resid_post` points of blocks `layers` (a layer window).
    public static func residPostPoints(_ layers: ClosedRange<Int>) -> [HookPoint] {
        layers.map { HookPoint.residPost($0) }
    }

    /// Registers the addition at each point; it runs in prefill and every decode step.
    public func register(on hooks: Hooks) {
        let vector = vector, positions = positions
        hooks.add(points) { a in
            let base = a.values.baseAddress!
            vector.withUnsafeBufferPointer { v in
                for r in positions.rows(of: a) {
                    let row = base + r * a.width
                    for j in 0..<a.width { row[j] += v[j] }
                }
            }
        }
    }
}
