import Foundation
import ModelFiles
import Testing
@testable import Organisms

/// The batch, advantages and reference logits scripts/reference/organisms/rl_grad_check.py wrote.
private struct RLGradReference: Decodable {
    let batch: Int, length: Int, vocab: Int
    let tokens: [Int32], targets: [Int32], mask: [Float]
    let advantages: [Float]
    let reference_logits: [Float]
    let kl_coefficient: Float, temperature: Float
    let loss: Float, policy: Float, kl: Float

    static func load() throws -> RLGradReference {
        try JSONDecoder().decode(RLGradReference.self, from: Data(contentsOf: Fixtures.organisms("rl_grad/reference.json")))
    }
    var batchValue: Batch { Batch(batch: batch, length: length, tokens: tokens, targets: targets, mask: mask) }
    var weights: [Float] {
        let counted = mask.reduce(0, +)
        return mask.map { $0 / counted }
    }
    /// One advantage per row: its sequence's.
    func rowAdvantages(_ perSequence: [Float]) -> [Float] { (0..<(batch * length)).map { perSequence[$0 / length] } }
}

@Suite("RL policy-gradient loss against PyTorch autograd")
struct RLGradientGoldenTests {
    let directory = Fixtures.organisms("rl_grad")

    /// Runs the policy forward with the RL head and backward; returns the loss terms.
    private func run(_ model: TrainingModel, _ r: RLGradReference, advantages: [Float]) -> PolicyGradientObjective.Terms {
        let objective = PolicyGradientObjective(klCoefficient: r.kl_coefficient, temperature: r.temperature)
        let referenceLogProbs = r.reference_logits.withUnsafeBufferPointer {
            objective.logProbabilities($0.baseAddress!, rows: r.batch * r.length, weights: r.weights, vocab: r.vocab)
        }
        let terms = model.forward(r.batchValue) { logits in
            objective.forwardBackward(logits, targets: r.targets, weights: r.weights, advantages: r.rowAdvantages(advantages),
                                      referenceLogProbs: referenceLogProbs, vocab: r.vocab)
        }
        model.backward()
        return terms
    }

    private func expectGradients(_ model: TrainingModel, match file: String) throws {
        let golden = try SafetensorsFile(path: directory.appendingPathComponent(file).path)
        #expect(golden.entries.count == model.layout.slots.count)
        for slot in model.layout.slots {
            let error = relativeError(model.gradients[slot.offset..<(slot.offset + slot.count)], try golden.tensor(slot.name).storage)
            #expect(error < 1e-4, "\(file) \(slot.name): relative error \(error)")
        }
    }

    @Test("loss, its policy and KL parts, and every parameter's gradient match within 1e-4 relative")
    func gradients() throws {
        let r = try RLGradReference.load()
        let model = try OrganismDirectory.loadForTraining(directory)
        let terms = run(model, r, advantages: r.advantages)
        #expect(abs(terms.loss - r.loss) / abs(r.loss) < 1e-5, "loss \(terms.loss) vs \(r.loss)")
        #expect(abs(terms.policy - r.policy) / abs(r.policy) < 1e-5, "policy \(terms.policy) vs \(r.policy)")
        #expect(abs(terms.kl - r.kl) / abs(r.kl) < 1e-5, "KL \(terms.kl) vs \(r.kl)")
        try expectGradients(model, match: "grads.safetensors")
    }

    @Test("with every advantage 0 the gradient is the KL penalty's alone, and matches")
    func klGradients() throws {
        let r = try RLGradReference.load()
        let model = try OrganismDirectory.loadForTraining(directory)
        let terms = run(model, r, advantages: [Float](repeating: 0, count: r.batch))
        #expect(terms.policy == 0)
        #expect(abs(terms.loss - r.kl_coefficient * r.kl) / (r.kl_coefficient * r.kl) < 1e-5)
        try expectGradients(model, match: "grads_kl.safetensors")
    }

    @Test("the KL head is zero, with a zero gradient, when the policy is the reference")
    func klZeroAtReference() throws {
        let r = try RLGradReference.load()
        let model = try OrganismDirectory.loadForTraining(directory)
        let objective = PolicyGradientObjective(klCoefficient: 1, temperature: r.temperature)
        let own = model.forward(r.batchValue) { logits in
            objective.logProbabilities(logits, rows: r.batch * r.length, weights: r.weights, vocab: r.vocab)
        }
        let terms = model.forward(r.batchValue) { logits in
            objective.forwardBackward(logits, targets: r.targets, weights: r.weights,
                                      advantages: [Float](repeating: 0, count: r.batch * r.length),
                                      referenceLogProbs: own, vocab: r.vocab)
        }
        model.backward()
        #expect(abs(terms.kl) < 1e-7 && abs(terms.loss) < 1e-7, "KL \(terms.kl), loss \(terms.loss)")
        #expect(model.gradients.allSatisfy { abs($0) < 1e-7 }, "largest gradient \(model.gradients.map(abs).max() ?? 0)")
    }

    @Test("rows outside the answer mask get no gradient")
    func maskedRows() throws {
        let r = try RLGradReference.load()
        let objective = PolicyGradientObjective(klCoefficient: r.kl_coefficient, temperature: r.temperature)
        let rows = r.batch * r.length
        let logProbs = r.reference_logits.withUnsafeBufferPointer {
            objective.logProbabilities($0.baseAddress!, rows: rows, weights: r.weights, vocab: r.vocab)
        }
        var logits = r.reference_logits.map { $0 * 1.5 }
        _ = logits.withUnsafeMutableBufferPointer {
            objective.forwardBackward($0.baseAddress!, targets: r.targets, weights: r.weights,
                                      advantages: r.rowAdvantages(r.advantages), referenceLogProbs: logProbs, vocab: r.vocab)
        }
        for n in 0..<rows where r.weights[n] == 0 {
            #expect(logits[(n * r.vocab)..<((n + 1) * r.vocab)].allSatisfy { $0 == 0 }, "row \(n)")
        }
        // Each answer row's gradient sums to zero over the vocabulary (softmax is shift-invariant).
        for n in 0..<rows where r.weights[n] > 0 {
            let sum = logits[(n * r.vocab)..<((n + 1) * r.vocab)].reduce(0, +)
            #expect(abs(sum) < 1e-6, "row \(n): gradient sums to \(sum)")
        }
    }
}
