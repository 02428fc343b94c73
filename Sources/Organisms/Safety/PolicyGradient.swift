import Foundation

/// The RL safety-training objective as a loss head for `TrainingModel.forward(_:lossHead:)`:
///
///   L = − Σ_n w_n · A_n · log π(a_n | s_n)  +  β · Σ_n w_n · KL(π(· | s_n) ‖ π_ref(· | s_n))
///
/// over the rows n of a (B·T, V) logits batch, where a_n is the sampled next token, w_n the
/// row's weight (1 / answer tokens in the batch on sampled-answer rows, 0 elsewhere), A_n the
/// advantage of the answer the row belongs to, π = softmax(logits / τ) the policy and π_ref the
/// frozen starting model at the same temperature.
///
/// Why this estimator (REINFORCE with a leave-one-out baseline and an exact KL), and not
/// PPO-clip: every batch is sampled fresh from the current weights and used for exactly one
/// optimizer step, so PPO's importance ratio π/π_old is 1 at the only point it is evaluated
/// and the clip never acts — PPO would be this loss with extra bookkeeping. The baseline (each
/// answer's reward minus the mean of the other answers to the same prompt) needs no value
/// network and keeps the gradient unbiased. The vocabularies here are a few hundred words, so
/// the KL is summed over the whole vocabulary at every answer position: exact, with none of the
/// variance of the sampled log-ratio estimator, and its gradient is exact too.
public struct PolicyGradientObjective: Sendable {
    /// β.
    public var klCoefficient: Float
    /// τ: the policy is softmax(logits / τ).
    public var temperature: Float

    public init(klCoefficient: Float, temperature: Float = 1) {
        self.klCoefficient = klCoefficient
        self.temperature = temperature
    }

    /// The loss and its two parts (policy term and the weighted mean KL, before β).
    public struct Terms: Sendable, Equatable {
        public var loss: Float
        public var policy: Float
        public var kl: Float
    }

    /// The reference head: log softmax(logits / τ) of every row with weight > 0, (rows, V);
    /// other rows stay 0. `logits` is (rows, V) and is not changed.
    public func logProbabilities(_ logits: UnsafePointer<Float>, rows: Int, weights: [Float], vocab V: Int) -> [Float] {
        var out = [Float](repeating: 0, count: rows * V)
        let invT = 1 / temperature
        out.withUnsafeMutableBufferPointer { ob in
            for n in 0..<rows where weights[n] > 0 {
                let row = logits + n * V, o = ob.baseAddress! + n * V
                var m = -Float.infinity
                for j in 0..<V { o[j] = row[j] * invT; m = max(m, o[j]) }
                var sum: Float = 0
                for j in 0..<V { sum += expf(o[j] - m) }
                let logZ = m + logf(sum)
                for j in 0..<V { o[j] -= logZ }
            }
        }
        return out
    }

    /// Overwrites `logits` (rows, V) with dL/dlogits and returns L. `targets` (rows) are the
    /// sampled tokens, `weights` and `advantages` (rows) as above, `referenceLogProbs` (rows, V)
    /// from `logProbabilities` on the reference model's logits of the same batch.
    public func forwardBackward(_ logits: UnsafeMutablePointer<Float>, targets: [Int32], weights: [Float],
                                advantages: [Float], referenceLogProbs: [Float], vocab V: Int) -> Terms {
        let rows = targets.count
        precondition(weights.count == rows && advantages.count == rows && referenceLogProbs.count == rows * V,
                     "PolicyGradientObjective: targets, weights, advantages and reference rows must agree")
        let invT = 1 / temperature, beta = klCoefficient
        var policyLoss: Double = 0, klSum: Double = 0
        referenceLogProbs.withUnsafeBufferPointer { rb in
            for n in 0..<rows {
                let row = logits + n * V
                let w = weights[n]
                if w == 0 {
                    row.update(repeating: 0, count: V)
                    continue
                }
                let ref = rb.baseAddress! + n * V
                // row ← log π = y − logsumexp(y), y = z / τ
                var m = -Float.infinity
                for j in 0..<V { row[j] *= invT; m = max(m, row[j]) }
                var sum: Float = 0
                for j in 0..<V { sum += expf(row[j] - m) }
                let logZ = m + logf(sum)
                for j in 0..<V { row[j] -= logZ }
                var kl: Double = 0
                for j in 0..<V { kl += Double(expf(row[j])) * Double(row[j] - ref[j]) }
                let a = Int(targets[n]), advantage = advantages[n]
                policyLoss -= Double(w) * Double(advantage) * Double(row[a])
                klSum += Double(w) * kl
                // dL/dy_j = w·(−A·(δ_ja − p_j) + β·p_j·(log p_j − log q_j − KL)); dL/dz = dL/dy / τ
                let klRow = Float(kl)
                for j in 0..<V {
                    let p = expf(row[j])
                    row[j] = w * invT * (advantage * p + beta * p * (row[j] - ref[j] - klRow))
                }
                row[a] -= w * invT * advantage
            }
        }
        return Terms(loss: Float(policyLoss + Double(beta) * klSum), policy: Float(policyLoss), kl: Float(klSum))
    }
}
