/// Limited-memory BFGS (Nocedal & Wright, Algorithm 7.4/7.5) for smooth convex objectives,
/// with a backtracking Armijo line search using safeguarded quadratic interpolation.
/// Pairs with sᵀy ≤ 0 are skipped so the inverse-Hessian estimate stays positive definite.
struct LBFGS {
    /// Stop when max|∇f| ≤ gradientTolerance (absolute; callers scale it).
    var gradientTolerance: Double
    /// Stop when the relative decrease of f is below this (scipy's ftol; sklearn passes 64·eps).
    var functionTolerance: Double = 64 * Double.ulpOfOne
    var maxIterations: Int
    var memory: Int = 10

    struct Result {
        var x: [Double]
        var value: Double
        var iterations: Int
        var converged: Bool
        /// max|∇f| at `x`.
        var gradientMaxNorm: Double
    }

    /// `evaluate(x, &gradient)` returns f(x) and writes ∇f(x).
    func minimize(start: [Double], evaluate: ([Double], inout [Double]) -> Double) -> Result {
        let n = start.count
        var x = start
        var gradient = [Double](repeating: 0, count: n)
        var value = evaluate(x, &gradient)
        var sHistory: [[Double]] = []
        var yHistory: [[Double]] = []
        var rhoHistory: [Double] = []
        var alphas = [Double](repeating: 0, count: memory)
        var trialGradient = [Double](repeating: 0, count: n)
        var trial = [Double](repeating: 0, count: n)

        for iteration in 0..<maxIterations {
            let gMax = gradient.reduce(0) { max($0, abs($1)) }
            if gMax <= gradientTolerance {
                return Result(x: x, value: value, iterations: iteration, converged: true, gradientMaxNorm: gMax)
            }
            // Two-loop recursion: direction = −H∇f.
            var direction = gradient
            for k in stride(from: sHistory.count - 1, through: 0, by: -1) {
                alphas[k] = rhoHistory[k] * dot(sHistory[k], direction)
                axpy(-alphas[k], yHistory[k], &direction)
            }
            if let s = sHistory.last, let y = yHistory.last {
                let gamma = dot(s, y) / dot(y, y)
                for j in 0..<n { direction[j] *= gamma }
            } else {
                // First step: unit length, so the line search starts on a sensible scale.
                let norm = dot(gradient, gradient).squareRoot()
                for j in 0..<n { direction[j] /= norm }
            }
            for k in 0..<sHistory.count {
                let beta = rhoHistory[k] * dot(yHistory[k], direction)
                axpy(alphas[k] - beta, sHistory[k], &direction)
            }
            for j in 0..<n { direction[j] = -direction[j] }
            var slope = dot(gradient, direction)
            if slope >= 0 {
                // Not a descent direction (numerical trouble): restart from steepest descent.
                sHistory.removeAll(); yHistory.removeAll(); rhoHistory.removeAll()
                let norm = dot(gradient, gradient).squareRoot()
                for j in 0..<n { direction[j] = -gradient[j] / norm }
                slope = dot(gradient, direction)
            }

            var step = 1.0
            var trialValue = 0.0
            var accepted = false
            for _ in 0..<50 {
                for j in 0..<n { trial[j] = x[j] + step * direction[j] }
                trialValue = evaluate(trial, &trialGradient)
                if trialValue.isFinite && trialValue <= value + 1e-4 * step * slope {
                    accepted = true
                    break
                }
                // Minimiser of the quadratic through f(0), f'(0), f(step), kept in [0.1, 0.5]·step.
                let curvature = trialValue.isFinite ? 2 * (trialValue - value - slope * step) : 0
                let next = curvature > 0 ? -slope * step * step / curvature : 0.5 * step
                step = min(max(next, 0.1 * step), 0.5 * step)
            }
            if !accepted {
                return Result(x: x, value: value, iterations: iteration, converged: false, gradientMaxNorm: gMax)
            }
            var s = [Double](repeating: 0, count: n)
            var y = [Double](repeating: 0, count: n)
            for j in 0..<n {
                s[j] = trial[j] - x[j]
                y[j] = trialGradient[j] - gradient[j]
            }
            let previous = value
            swap(&x, &trial)
            swap(&gradient, &trialGradient)
            value = trialValue
            let sy = dot(s, y)
            if sy > 1e-10 * dot(y, y).squareRoot() * dot(s, s).squareRoot() {
                if sHistory.count == memory {
                    sHistory.removeFirst(); yHistory.removeFirst(); rhoHistory.removeFirst()
                }
                sHistory.append(s)
                yHistory.append(y)
                rhoHistory.append(1 / sy)
            }
            if (previous - value) <= functionTolerance * max(abs(previous), abs(value), 1) {
                // f no longer decreases beyond rounding: scipy reports this as convergence
                // ("REL_REDUCTION_OF_F"), and so do we.
                let gMax = gradient.reduce(0) { max($0, abs($1)) }
                return Result(x: x, value: value, iterations: iteration + 1, converged: true, gradientMaxNorm: gMax)
            }
        }
        let gMax = gradient.reduce(0) { max($0, abs($1)) }
        return Result(x: x, value: value, iterations: maxIterations,
                      converged: gMax <= gradientTolerance, gradientMaxNorm: gMax)
    }
}

@inline(__always)
func dot(_ a: [Double], _ b: [Double]) -> Double {
    var sum = 0.0
    a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
            for j in 0..<a.count { sum += a[j] * b[j] }
        }
    }
    return sum
}

/// y += alpha · x
@inline(__always)
func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
    x.withUnsafeBufferPointer { x in
        y.withUnsafeMutableBufferPointer { y in
            for j in 0..<x.count { y[j] += alpha * x[j] }
        }
    }
}
