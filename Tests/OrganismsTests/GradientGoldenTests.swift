import Foundation
import ModelFiles
import Testing
@testable import Organisms

/// The batch and trajectory the PyTorch reference (scripts/reference/organisms/grad_check.py) wrote.
private struct GradReference: Decodable {
    struct Options: Decodable {
        let steps: Int, learning_rate: Float, min_learning_rate: Float, warmup_steps: Int
        let weight_decay: Float, beta1: Float, beta2: Float, epsilon: Float, clip_norm: Float
    }
    let batch: Int, length: Int
    let tokens: [Int32], targets: [Int32], mask: [Float]
    let loss: Float
    let losses: [Float]
    let options: Options

    static func load() throws -> GradReference {
        try JSONDecoder().decode(GradReference.self, from: Data(contentsOf: Fixtures.organisms("grad/reference.json")))
    }
    var batchValue: Batch { Batch(batch: batch, length: length, tokens: tokens, targets: targets, mask: mask) }
}

@Suite("Trainer gradients against PyTorch LlamaForCausalLM")
struct GradientGoldenTests {
    let directory = Fixtures.organisms("grad")

    @Test("loss and every parameter's gradient match within 1e-4 relative")
    func gradients() throws {
        let reference = try GradReference.load()
        let model = try OrganismDirectory.loadForTraining(directory)
        let loss = model.lossAndGradients(reference.batchValue)
        #expect(abs(loss - reference.loss) / reference.loss < 1e-5, "loss \(loss) vs \(reference.loss)")
        let golden = try SafetensorsFile(path: directory.appendingPathComponent("grads.safetensors").path)
        #expect(golden.entries.count == model.layout.slots.count)
        for slot in model.layout.slots {
            let expected = try golden.tensor(slot.name)
            let got = model.gradients[slot.offset..<(slot.offset + slot.count)]
            let error = relativeError(got, expected.storage)
            #expect(error < 1e-4, "\(slot.name): relative error \(error)")
        }
    }

    @Test("a 10-step AdamW trajectory (schedule, clipping, decay) matches losses and final weights")
    func trajectory() throws {
        let reference = try GradReference.load()
        let o = reference.options
        let options = TrainingOptions(steps: o.steps, batchSize: reference.batch, learningRate: o.learning_rate,
                                      minLearningRate: o.min_learning_rate, warmupSteps: o.warmup_steps,
                                      weightDecay: o.weight_decay, beta1: o.beta1, beta2: o.beta2,
                                      epsilon: o.epsilon, clipNorm: o.clip_norm)
        let model = try OrganismDirectory.loadForTraining(directory)
        var optimizer = AdamW(layout: model.layout, options: options)
        let batch = reference.batchValue
        for step in 0..<o.steps {
            let loss = model.lossAndGradients(batch)
            #expect(abs(loss - reference.losses[step]) / reference.losses[step] < 1e-4,
                    "step \(step): loss \(loss) vs \(reference.losses[step])")
            AdamW.clip(&model.gradients, maxNorm: options.clipNorm)
            optimizer.update(&model.parameters, model.gradients, lr: options.learningRate(at: step))
        }
        let golden = try SafetensorsFile(path: directory.appendingPathComponent("final.safetensors").path)
        for slot in model.layout.slots {
            let error = relativeError(model.parameters[slot.offset..<(slot.offset + slot.count)], try golden.tensor(slot.name).storage)
            // Looser than the gradients: Adam's m/√v is ±lr for elements whose gradient is ~1e-7,
            // so last-bit differences in such elements move a weight by a full step.
            #expect(error < 5e-4, "\(slot.name): relative error \(error) after \(o.steps) steps")
        }
    }

    @Test("warm-up then cosine schedule")
    func schedule() {
        let o = TrainingOptions(steps: 10, learningRate: 1, minLearningRate: 0.1, warmupSteps: 2)
        #expect(o.learningRate(at: 0) == 0.5)
        #expect(o.learningRate(at: 1) == 1)
        #expect(abs(o.learningRate(at: 2) - 1) < 1e-6)
        #expect(abs(o.learningRate(at: 10) - 0.1) < 1e-6)
        #expect(o.learningRate(at: 6) < o.learningRate(at: 4))
    }

    @Test("gradient clipping scales to the maximum norm and leaves small gradients alone")
    func clipping() {
        var big: [Float] = [3, 4]
        let norm = AdamW.clip(&big, maxNorm: 1)
        #expect(norm == 5)
        #expect(abs(big[0] - 0.6) < 1e-5 && abs(big[1] - 0.8) < 1e-5)
        var small: [Float] = [0.3, 0.4]
        AdamW.clip(&small, maxNorm: 1)
        #expect(small == [0.3, 0.4])
    }
}
