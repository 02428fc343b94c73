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
    /// The steering intervention (steer).
    public let steering: ActivationAddition?
    /// The steering coefficient α (steer).
    public let alpha: Float?

    public static let baseline = ExperimentCondition(name: "baseline", kind: .baseline, directions: nil, steering: nil, alpha: nil)

    /// Ablation of `directions` on every residual-stream write.
    public static func ablate(_ directions: DirectionSet, name: String = "ablate") -> ExperimentCondition {
        ExperimentCondition(name: name, kind: .ablate, directions: directions, steering: nil, alpha: nil)
    }

    /// `count` seeded random unit directions, each ablated as its own control condition
    /// (`random-0`, `random-1`, …): an ablation that changes behaviour only because it removes
    /// *some* direction shows up here too.
    public static func randomControls(count: Int, width: Int, seed: UInt64) throws -> [ExperimentCondition] {
        try DirectionSet.randomUnitVectors(count: count, width: width, seed: seed).enumerated().map { i, v in
            ExperimentCondition(name: "random-\(i)", kind: .randomAblation,
                                directions: try DirectionSet(direction: v, source: "random control \(i)"),
                                steering: nil, alpha: nil)
        }
    }

    /// Adds α·r̂ at `points` (all positions).
    public static func steer(direction: [Float], alpha: Float, points: [HookPoint]) -> ExperimentCondition {
        let sign = alpha >= 0 ? "+" : ""
        return ExperimentCondition(name: "steer\(sign)\(formatAlpha(alpha))", kind: .steer, directions: nil,
                                   steering: ActivationAddition(direction: direction, coefficient: alpha, points: points),
                                   alpha: alpha)
    }

    /// The hooks this condition runs with (nil for the baseline).
    func hooks(layers: Int) -> Hooks? {
        let hooks = Hooks()
        if let directions {
            DirectionalAblation.everyResidualWrite(directions, layers: layers).register(on: hooks)
        }
        steering?.register(on: hooks)
        return hooks.isEmpty ? nil : hooks
    }
}

/// "4", "2.5", "-8": the shortest form that reads back as the same Float.
func formatAlpha(_ alpha: Float) -> String {
    alpha == alpha.rounded() && abs(alpha) < 1e7 ? String(Int(alpha)) : "\(alpha)"
}
