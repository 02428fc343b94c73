import Foundation

/// Hyper-parameters of a training run.
public struct TrainingOptions: Sendable, Codable, Equatable {
    public var steps: Int
    public var batchSize: Int
    public var learningRate: Float
    public var minLearningRate: Float
    public var warmupSteps: Int
    public var weightDecay: Float
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    /// Global-norm gradient clipping; 0 disables it.
    public var clipNorm: Float
    public var seed: UInt64

    public init(steps: Int = 600, batchSize: Int = 32, learningRate: Float = 3e-3, minLearningRate: Float = 3e-4,
                warmupSteps: Int = 30, weightDecay: Float = 0.01, beta1: Float = 0.9, beta2: Float = 0.95,
                epsilon: Float = 1e-8, clipNorm: Float = 1, seed: UInt64 = 1) {
        self.steps = steps
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.minLearningRate = minLearningRate
        self.warmupSteps = warmupSteps
        self.weightDecay = weightDecay
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.clipNorm = clipNorm
        self.seed = seed
    }

    /// Linear warm-up over `warmupSteps` (step 0 gets lr/warmup), then cosine decay to
    /// `minLearningRate` at the last step.
    public func learningRate(at step: Int) -> Float {
        if step < warmupSteps { return learningRate * Float(step + 1) / Float(warmupSteps) }
        let span = max(1, steps - warmupSteps)
        let progress = min(1, Double(step - warmupSteps) / Double(span))
        return minLearningRate + Float(0.5 * (1 + cos(Double.pi * progress))) * (learningRate - minLearningRate)
    }
}

/// AdamW exactly as `torch.optim.AdamW` (decoupled decay applied first, bias-corrected moments,
/// eps added to the corrected second-moment root), over the contiguous parameter allocation.
public struct AdamW {
    public let options: TrainingOptions
    private let decays: [Bool]          // per parameter element: matrices decay, norms do not
    private var m: [Float]
    private var v: [Float]
    public private(set) var step = 0

    public init(layout: ParameterLayout, options: TrainingOptions) {
        self.options = options
        var decays = [Bool](repeating: false, count: layout.count)
        for slot in layout.slots where slot.decays {
            for i in slot.offset..<(slot.offset + slot.count) { decays[i] = true }
        }
        self.decays = decays
        m = [Float](repeating: 0, count: layout.count)
        v = m
    }

    /// The step count and moments, as a checkpoint saves them.
    public var state: TrainerState { TrainerState(step: step, firstMoment: m, secondMoment: v) }

    /// Continues from a saved state (its moments must cover this layout's parameters).
    public mutating func restore(_ state: TrainerState) throws {
        guard state.firstMoment.count == m.count, state.secondMoment.count == v.count else {
            throw OrganismError(file: "optimizer state", "holds \(state.firstMoment.count) and \(state.secondMoment.count) moments, the model has \(m.count) parameters")
        }
        step = state.step
        m = state.firstMoment
        v = state.secondMoment
    }

    /// Scales `gradients` so their global L2 norm is at most `clipNorm` (as
    /// `torch.nn.utils.clip_grad_norm_`); returns the norm before clipping.
    @discardableResult
    public static func clip(_ gradients: inout [Float], maxNorm: Float) -> Float {
        var sum: Double = 0
        for g in gradients { sum += Double(g) * Double(g) }
        let norm = Float(sum.squareRoot())
        if maxNorm > 0 {
            let coefficient = maxNorm / (norm + 1e-6)
            if coefficient < 1 { for i in gradients.indices { gradients[i] *= coefficient } }
        }
        return norm
    }

    /// One update with learning rate `lr`.
    public mutating func update(_ parameters: inout [Float], _ gradients: [Float], lr: Float) {
        step += 1
        let b1 = options.beta1, b2 = options.beta2
        let correction1 = 1 - powf(b1, Float(step))
        let correction2Root = (1 - powf(b2, Float(step))).squareRoot()
        let stepSize = lr / correction1
        let decay = 1 - lr * options.weightDecay
        let eps = options.epsilon
        parameters.withUnsafeMutableBufferPointer { p in
            gradients.withUnsafeBufferPointer { g in
                m.withUnsafeMutableBufferPointer { m in
                    v.withUnsafeMutableBufferPointer { v in
                        decays.withUnsafeBufferPointer { decays in
                            for i in 0..<p.count {
                                if decays[i] { p[i] *= decay }
                                m[i] = b1 * m[i] + (1 - b1) * g[i]
                                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                                p[i] -= stepSize * m[i] / (v[i].squareRoot() / correction2Root + eps)
                            }
                        }
                    }
                }
            }
        }
    }
}
