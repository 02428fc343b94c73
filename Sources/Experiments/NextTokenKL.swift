import Foundation
import Tensors

/// KL(P ‖ Q) of next-token distributions given as logits rows, in Double:
/// Σᵢ pᵢ (log pᵢ − log qᵢ) with log-softmax computed stably.
public func nextTokenKL(baseline p: ArraySlice<Float>, condition q: ArraySlice<Float>) -> Double {
    let lp = logSoftmax(p), lq = logSoftmax(q)
    var kl = 0.0
    for i in lp.indices where lp[i] > -.infinity {
        kl += exp(lp[i]) * (lp[i] - lq[i])
    }
    return max(0, kl)  // rounding can leave a tiny negative for identical rows
}

func logSoftmax(_ logits: ArraySlice<Float>) -> [Double] {
    var m = -Double.infinity
    for v in logits { m = max(m, Double(v)) }
    var sum = 0.0
    for v in logits { sum += exp(Double(v) - m) }
    let lse = m + log(sum)
    return logits.map { Double($0) - lse }
}

/// The mean over every row of KL(baseline row ‖ condition row), for (rows, vocab) logits.
func meanKL(baseline: Tensor, condition: Tensor) -> Double {
    let rows = baseline.shape[0]
    guard rows > 0 else { return 0 }
    var total = 0.0
    for r in 0..<rows { total += nextTokenKL(baseline: baseline.row(r), condition: condition.row(r)) }
    return total / Double(rows)
}
