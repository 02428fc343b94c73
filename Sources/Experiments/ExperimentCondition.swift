import Interventions
import Transformer

/// One way of running the model in an ablation experiment.
public struct ExperimentCondition: Sendable {
    public enum Kind: String, Codable, Sendable {
        case baseline, ablate, randomAblation = "random-ablate", steer
    }

    public let name: String
    public let kind: Kind
    /// The directions ablated (ablate, random-ablate).
    public let directions: DirectionSet?
    /// Where the ablation acts; nil: every residual-stream write (hook_embed, each
    /// hook_attn_out and hook_mlp_out).
    public let ablationPoints: [HookPoint]?
    public let ablationPositions: PositionSelector
    /// The steering intervention (steer).
    public let steering: ActivationAddition?
    /// The steering coefficient α (steer).
    public let alpha: Float?

    init(name: String, kind: Kind, directions: DirectionSet? = nil, ablationPoints: [HookPoint]? = nil,
         ablationPositions: PositionSelector = .all, steering: ActivationAddition? = nil, alpha: Float? = nil) {
        self.name = name
        self.kind = kind
        self.directions = directions
        self.ablationPoints = ablationPoints
        self.ablationPositions = ablationPositions
        self.steering = steering
        self.alpha = alpha
    }

    public static let baseline = ExperimentCondition(name: "baseline", kind: .baseline)

    /// Ablation of `directions` at `points` (default: every residual-stream write) and `positions`.
    public static func ablate(_ directions: DirectionSet, name: String = "ablate", points: [HookPoint]? = nil,
                              positions: PositionSelector = .all) -> ExperimentCondition {
        ExperimentCondition(name: name, kind: .ablate, directions: directions, ablationPoints: points,
                            ablationPositions: positions)
    }

    /// `count` seeded random unit directions, each ablated as its own control condition
    /// (`random-0`, `random-1`, …) at the same points and positions as the direction: an
    /// ablation that changes behaviour only because it removes *some* direction shows up here too.
    public static func randomControls(count: Int, width: Int, seed: UInt64, points: [HookPoint]? = nil,
                                      positions: PositionSelector = .all) throws -> [ExperimentCondition] {
        try DirectionSet.randomUnitVectors(count: count, width: width, seed: seed).enumerated().map { i, v in
            ExperimentCondition(name: "random-\(i)", kind: .randomAblation,
                                directions: try DirectionSet(direction: v, source: "random control \(i)"),
                                ablationPoints: points, ablationPositions: positions)
        }
    }

    /// Adds α·r̂ at `points` (all positions).
    public static func steer(direction: [Float], alpha: Float, points: [HookPoint]) -> ExperimentCondition {
        let sign = alpha >= 0 ? "+" : ""
        return ExperimentCondition(name: "steer\(sign)\(formatAlpha(alpha))", kind: .steer,
                                   steering: ActivationAddition(direction: direction, coefficient: alpha, points: points),
                                   alpha: alpha)
    }

    /// The hooks this condition runs with (nil for the baseline).
    func hooks(layers: Int) -> Hooks? {
        let hooks = Hooks()
        if let directions {
            DirectionalAblation(directions: directions, points: ablationPoints ?? residualWritePoints(layers: layers),
                                positions: ablationPositions).register(on: hooks)
        }
        steering?.register(on: hooks)
        return hooks.isEmpty ? nil : hooks
    }
}

/// "4", "2.5", "-8": the shortest form that reads back as the same Float.
func formatAlpha(_ alpha: Float) -> String {
    alpha == alpha.rounded() && abs(alpha) < 1e7 ? String(Int(alpha)) : "\(alpha)"
}
