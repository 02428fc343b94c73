/// A proportion with its Wilson score interval (Wilson, 1927), the interval that behaves at
/// rates near 0 and 1, where backdoor rates live.
public struct Proportion: Codable, Sendable, Equatable {
    public var successes: Int
    public var trials: Int
    public var rate: Double
    public var lower: Double
    public var upper: Double

    /// `z` = 1.959964 gives a 95% interval.
    public init(successes: Int, trials: Int, z: Double = 1.959963984540054) {
        precondition(successes >= 0 && successes <= trials, "successes must lie in 0...trials")
        self.successes = successes
        self.trials = trials
        guard trials > 0 else {
            rate = .nan; lower = 0; upper = 1
            return
        }
        let n = Double(trials)
        let p = Double(successes) / n
        let z2 = z * z
        let denominator = 1 + z2 / n
        let centre = (p + z2 / (2 * n)) / denominator
        let half = z * ((p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()) / denominator
        rate = p
        lower = max(0, centre - half)
        upper = min(1, centre + half)
    }

    /// "97.5% [93.1, 99.2]"
    public var formatted: String {
        guard trials > 0 else { return "n/a" }
        func pct(_ x: Double) -> String { String(format: "%.1f", 100 * x) }
        return "\(pct(rate))% [\(pct(lower)), \(pct(upper))]"
    }
}
