import Foundation
import Tensors

/// One or more directions in the residual stream, kept as an orthonormal basis of their span
/// (d_model wide), so ablating several components removes their whole subspace once.
public struct DirectionSet: Sendable, Equatable {
    /// (components, width), row-major; rows are orthonormal.
    public let basis: [[Float]]
    public let width: Int

    /// Orthonormalises `vectors` (modified Gram–Schmidt in Double). Fails on an empty list, rows
    /// of unequal width, a non-finite value, or a vector inside the span of the earlier ones.
    public init(_ vectors: [[Float]], source: String = "direction") throws {
        guard let first = vectors.first, !first.isEmpty else {
            throw InterventionError(source, "no direction given (empty vector)")
        }
        width = first.count
        var rows: [[Double]] = []
        for (i, v) in vectors.enumerated() {
            guard v.count == width else {
                throw InterventionError(source, "component \(i) has \(v.count) values, component 0 has \(width)")
            }
            guard v.allSatisfy(\.isFinite) else {
                throw InterventionError(source, "component \(i) has a non-finite value")
            }
            var u = v.map(Double.init)
            let originalNorm = Self.norm(u)
            for q in rows {
                let dot = zip(u, q).reduce(0) { $0 + $1.0 * $1.1 }
                for j in u.indices { u[j] -= dot * q[j] }
            }
            let n = Self.norm(u)
            guard originalNorm > 0, n > 1e-6 * originalNorm else {
                throw InterventionError(source, i == 0 ? "component 0 is the zero vector"
                                                       : "component \(i) lies in the span of the earlier components")
            }
            rows.append(u.map { $0 / n })
        }
        basis = rows.map { $0.map(Float.init) }
    }

    /// A single unit direction r̂ = v / |v|.
    public init(direction: [Float], source: String = "direction") throws {
        try self.init([direction], source: source)
    }

    public var count: Int { basis.count }

    /// Fails unless the directions are `width` wide (the model's d_model).
    public func check(width expected: Int, source: String) throws {
        guard width == expected else {
            throw InterventionError(source, "direction has \(width) values but the model's d_model is \(expected)")
        }
    }

    /// Projections of `row` on each basis vector.
    func projections(of row: UnsafePointer<Float>) -> [Float] {
        basis.map { q in
            var dot: Float = 0
            q.withUnsafeBufferPointer { qb in
                for j in 0..<width { dot += row[j] * qb[j] }
            }
            return dot
        }
    }

    /// row ← row − Σᵢ (row·qᵢ − targetᵢ) qᵢ: with zero targets, the directional ablation.
    func setProjections(of row: UnsafeMutablePointer<Float>, to targets: [Float]? = nil) {
        for (i, q) in basis.enumerated() {
            q.withUnsafeBufferPointer { qb in
                var dot: Float = 0
                for j in 0..<width { dot += row[j] * qb[j] }
                let shift = dot - (targets?[i] ?? 0)
                for j in 0..<width { row[j] -= shift * qb[j] }
            }
        }
    }

    /// `count` random unit directions (Gaussian, normalised), the same for the same seed on
    /// every platform: the random-direction controls of an ablation experiment.
    public static func randomUnitVectors(count: Int, width: Int, seed: UInt64) -> [[Float]] {
        var generator = SplitMix64(seed: seed)
        func unit() -> Double { (Double(generator.next() >> 11) + 0.5) * 0x1.0p-53 }
        return (0..<count).map { _ in
            // Box–Muller: two uniforms in (0, 1) give one standard normal.
            var v = (0..<width).map { _ in (-2 * log(unit())).squareRoot() * cos(2 * Double.pi * unit()) }
            let n = norm(v)
            for j in v.indices { v[j] /= n }
            return v.map(Float.init)
        }
    }

    static func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
}
