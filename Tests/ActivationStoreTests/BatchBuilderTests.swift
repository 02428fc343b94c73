import Formats
import Foundation
import Tensors
import Testing
@testable import ActivationStore

@Suite("Batch building")
struct BatchBuilderTests {
    @Test("a built batch writes like a hand-made one")
    func builder() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let metadata = SyntheticRun.metadata()
        let reference = SyntheticRun.batch(0, size: 3, metadata: metadata)
        var builder = ActivationBatchBuilder(hooks: metadata.hooks, dModel: metadata.dModel)
        for i in 0..<3 {
            let record = LabeledPrompt(prompt: reference.texts[i], label: reference.labels[i], group: reference.groups[i],
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
