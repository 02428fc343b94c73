import Formats
import Transformer

/// Which token positions of each sequence an intervention touches.
public enum PositionSelector: Sendable, Equatable, CustomStringConvertible {
    /// Every position, in prefill and every decode step.
    case all
    /// The newest token of each sequence in every pass: the prompt's last token in prefill, and
    /// each generated token in its decode step.
    case last
    /// Positions k, k+1, … (generated tokens included).
    case from(Int)
    /// Exactly these positions.
    case positions(Set<Int>)

    /// Parses the forms of the one positions grammar (`Formats.PositionSpec`) that name where
    /// to write: `all`, `last`, `from:K`, `index:K` (or `K`) and lists `3,4,7`, all K ≥ 0.
    public init(parsing text: String, source: String = "--positions") throws {
        let expected = "expected all, last, from:K, index:K or a list of positions like 0,3,4 (K ≥ 0)"
        switch PositionSpec.parse(text) {
        case .all?: self = .all
        case .last?: self = .last
        case .from(let k)? where k >= 0: self = .from(k)
        case .index(let k)? where k >= 0: self = .positions([k])
        case .list(let values)? where values.allSatisfy({ $0 >= 0 }): self = .positions(Set(values))
        default: throw InterventionError(source, "\"\(text)\": \(expected)")
        }
    }

    public var description: String {
        switch self {
        case .all: "all"
        case .last: "last"
        case .from(let k): "from:\(k)"
        case .positions(let set): set.sorted().map(String.init).joined(separator: ",")
        }
    }

    /// The rows of `activation` this selector picks, in row order.
    func rows(of activation: HookActivation) -> [Int] {
        switch self {
        case .all:
            return Array(0..<activation.rows)
        case .last:
            // Packed batches keep each sequence's rows together, so its last row is where the
            // next row belongs to another sequence.
            return (0..<activation.rows).filter { r in
                r + 1 == activation.rows || activation.sequence[r + 1] != activation.sequence[r]
            }
        case .from(let k):
            return (0..<activation.rows).filter { activation.position[$0] >= k }
        case .positions(let set):
            return (0..<activation.rows).filter { set.contains(activation.position[$0]) }
        }
    }
}

/// The hook points every write into the residual stream passes through: the embedding and each
/// block's attention and MLP outputs. Ablating a direction at all of them keeps it out of the
/// residual stream entirely (Arditi et al., 2024, "Refusal is mediated by a single direction").
public func residualWritePoints(layers: Int) -> [HookPoint] {
    var points: [HookPoint] = [.embed]
    for l in 0..<layers { points += [.attnOut(l), .mlpOut(l)] }
    return points
}

/// Fails unless every point exists in a model with `layers` blocks.
public func checkPoints(_ points: [HookPoint], layers: Int, source: String) throws {
    for p in points where p != .embed && p != .finalNormalized && p.layer >= layers {
        throw InterventionError(source, "\(p.name): the model has layers 0..\(layers - 1)")
    }
}
