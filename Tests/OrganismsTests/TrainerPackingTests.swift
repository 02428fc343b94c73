import Foundation
import Tensors
import Testing
import TestSupport
@testable import Organisms

/// The cross-entropy step computes only the rows that reach the loss (each sequence up to its
/// last scored position, logits for scored rows only), split over threads in row blocks. These
/// tests hold it to the plain path — the public forward over every padded position with a
/// cross-entropy head — on a shape whose widths are not multiples of the SIMD width and a batch
/// of several row blocks, where the gradient goldens' batch is one block.
@Suite("Trainer: packed rows and row blocks")
struct TrainerPackingTests {
    static let shape = ModelShape(vocabSize: 37, dModel: 24, layers: 2, heads: 2, ffn: 20, maxPositions: 48)

    /// Five sequences of different lengths, right-padded to 40; the answers (second halves) count.
    static func batch() -> Batch {
        var rng = SplitMix64(seed: 11)
        let sequences: [(ids: [Int], answerMask: [Bool])] = [41, 23, 31, 9, 17].map { length in
            let ids = (0..<length).map { _ in 4 + Int(rng.next() % 33) }
            return (ids, (0..<length).map { $0 >= length / 2 })
        }
        return Batch.make(sequences, pad: 3)
    }

    static func model() -> TrainingModel {
        let layout = ParameterLayout(shape)
        return TrainingModel(layout: layout, parameters: layout.initialWeights(seed: 7))
    }

    /// Holds `lossAndGradients` (packed rows, two shards) to the public forward over every padded
    /// position with a cross-entropy head: the loss within 1e-6 and each tensor's gradient within
    /// 1e-5 relative.
    static func expectPackedMatchesFull(_ batch: Batch) {
        let model = Self.model()
        let packedLoss = model.lossAndGradients(batch)
        let packed = model.gradients

        let counted = batch.mask.reduce(0, +)
        let weights = batch.mask.map { $0 / counted }
        let fullLoss = model.forward(batch) { logits in
            Layers.crossEntropyForwardBackward(logits, targets: batch.targets, weights: weights, vocab: Self.shape.vocabSize)
        }
        model.backward()
        #expect(abs(packedLoss - fullLoss) / fullLoss < 1e-6, "loss \(packedLoss) vs \(fullLoss)")
        for slot in model.layout.slots {
            let range = slot.offset..<(slot.offset + slot.count)
            let error = relativeError(packed[range], model.gradients[range])
            #expect(error < 1e-5, "\(slot.name): relative error \(error)")
        }
    }

    @Test("the packed cross-entropy step equals the full forward with a cross-entropy head")
    func packedMatchesFull() {
        let batch = Self.batch()
        #expect(batch.tokens.count > 2 * RowBlocks.size, "the batch must span several row blocks")
        Self.expectPackedMatchesFull(batch)
    }

    @Test("two steps on the same batch give bit-identical loss and gradients")
    func deterministic() {
        let batch = Self.batch()
        let model = Self.model()
        let first = model.lossAndGradients(batch)
        let gradients = model.gradients
        // A different batch in between resizes the workspace.
        _ = model.lossAndGradients(Batch(batch: 1, length: 2, tokens: [5, 6], targets: [6, 7], mask: [1, 1]))
        let second = model.lossAndGradients(batch)
        #expect(first.bitPattern == second.bitPattern)
        #expect(gradients.map(\.bitPattern) == model.gradients.map(\.bitPattern))
    }

    @Test("a batch whose second shard has nothing to score matches the full forward")
    func emptyShard() {
        // Sequences 0-1 form shard 0 and count; sequences 2-3 (shard 1) count nowhere.
        Self.expectPackedMatchesFull(Batch(batch: 4, length: 3, tokens: [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
                                           targets: [5, 6, 3, 8, 9, 3, 11, 12, 3, 14, 15, 3], mask: [1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0]))
    }

    @Test("a batch where no position counts has zero loss and zero gradients")
    func nothingCounted() {
        let batch = Batch(batch: 2, length: 3, tokens: [4, 5, 6, 7, 8, 9], targets: [5, 6, 3, 8, 9, 3], mask: [0, 0, 0, 0, 0, 0])
        let model = Self.model()
        _ = model.lossAndGradients(Self.batch())
        #expect(model.lossAndGradients(batch) == 0)
        #expect(model.gradients.allSatisfy { $0 == 0 })
    }
}
