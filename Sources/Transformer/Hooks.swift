/// The activations a hook sees at one point of one forward pass.
///
/// Batches are packed: the rows of every sequence follow each other with no padding rows, so a
/// prompt's activations never depend on what it was batched with, and nothing needs masking.
/// `sequence` and `position` say which prompt and which token each row is.
public struct HookActivation {
    public let point: HookPoint
    /// (rows, width), row-major. A hook may change the values in place: the forward pass
    /// continues from what it leaves there.
    public let values: UnsafeMutableBufferPointer<Float>
    public let rows: Int
    public let width: Int
    /// For each row, the index of its sequence in the caller's batch.
    public let sequence: [Int]
    /// For each row, its position within its sequence (cached tokens counted).
    public let position: [Int]
    /// True during prefill (prompt tokens), false for decode steps of generation.
    public let isPrefill: Bool

    /// Row `r` as a mutable buffer of `width` floats.
    public func row(_ r: Int) -> UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(rebasing: values[(r * width)..<((r + 1) * width)])
    }
}

/// The hooks of one forward pass or generation: functions registered by hook point.
///
/// Like llama.cpp's ask/observe callback, the forward pass first asks `wants(_:)`; a point nobody
/// hooks costs nothing. Hooks are passed per call, so they are scoped to it: nothing stays
/// registered on the model afterwards (TransformerLens's `hooks()` context does the same).
public final class Hooks {
    public typealias Function = (HookActivation) -> Void

    private var functions: [HookPoint: [Function]] = [:]

    public init() {}

    /// Registers `function` at `point`; several functions at one point run in the order added.
    public func add(_ point: HookPoint, _ function: @escaping Function) {
        functions[point, default: []].append(function)
    }

    /// Registers `function` at every point of `points`.
    public func add(_ points: [HookPoint], _ function: @escaping Function) {
        for p in points { add(p, function) }
    }

    public func wants(_ point: HookPoint) -> Bool { functions[point] != nil }

    public var points: [HookPoint] { functions.keys.sorted() }

    public var isEmpty: Bool { functions.isEmpty }

    /// The deepest point anyone hooks, to stop a forward pass there.
    public var deepestPoint: HookPoint? { functions.keys.max() }

    func run(_ activation: HookActivation) {
        guard let list = functions[activation.point] else { return }
        for f in list { f(activation) }
    }
}

/// Copies the activations at chosen points: a `run_with_cache` with a names filter.
public final class ActivationCache {
    /// Point → (rows, width) values in the order the rows were seen.
    public private(set) var values: [HookPoint: [Float]] = [:]
    /// Point → for each stored row, its (sequence, position).
    public private(set) var rowIndex: [HookPoint: [(sequence: Int, position: Int)]] = [:]
    public let points: [HookPoint]

    public init(points: [HookPoint]) {
        self.points = points
    }

    /// Registers capture functions for every point on `hooks`.
    public func register(on hooks: Hooks) {
        for p in points {
            hooks.add(p) { [unowned self] a in
                self.values[a.point, default: []].append(contentsOf: a.values)
                self.rowIndex[a.point, default: []].append(contentsOf: zip(a.sequence, a.position).map { ($0, $1) })
            }
        }
    }

    /// The rows stored for `point` that belong to `sequence`, in position order: (positions, width).
    public func rows(_ point: HookPoint, sequence: Int, width: Int) -> [[Float]] {
        guard let v = values[point], let index = rowIndex[point] else { return [] }
        var out: [(Int, [Float])] = []
        for (r, key) in index.enumerated() where key.sequence == sequence {
            out.append((key.position, Array(v[(r * width)..<((r + 1) * width)])))
        }
        return out.sorted { $0.0 < $1.0 }.map(\.1)
    }
}
