import Foundation
import TestSupport
import Tensors
@testable import ActivationStore

/// A fresh empty folder under the system temporary directory, removed by the caller's `defer`.
func makeTemporaryFolder() throws -> URL { try TestFixtures.temporaryDirectory("ActivationStoreTests") }

/// `Tests/Fixtures/activations/<name>`, found from this source file.
func fixtureURL(_ name: String) -> URL { TestFixtures.root.appendingPathComponent("activations/\(name)") }

/// The error description thrown by `body`, or nil when it did not throw.
func thrownDescription(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch {
        return String(describing: error)
    }
}

/// Deterministic metadata and batches, shared by the round-trip, resume and kill tests.
enum SyntheticRun {
    static func metadata(positions: String = "last", dtype: ActivationDType = .float32, compress: Bool = false,
                         hooks: [String] = ["blocks.0.hook_resid_post", "blocks.1.hook_resid_post"],
                         dModel: Int = 8, shard: ShardSpec? = nil) -> ActivationMetadata {
        ActivationMetadata(model: "Models/tiny", modelSHA256: String(repeating: "ab", count: 32), architecture: "llama",
                           dModel: dModel, nLayers: 2, positions: positions, hooks: hooks,
                           promptFileSHA256: String(repeating: "cd", count: 32), dtype: dtype, compress: compress,
                           shard: shard)
    }

    /// Batch `b` of `k` prompts; prompt `i` (global) has `i % 5 + 1` tokens.
    static func batch(_ b: Int, size k: Int, metadata: ActivationMetadata) -> ActivationBatch {
        let prompts = (b * k)..<(b * k + k)
        let tokenIDs = prompts.map { i in (0..<(i % 5 + 1)).map { Int32(i * 10 + $0) } }
        var activations: [String: Tensor] = [:]
        for (h, hook) in metadata.hooks.enumerated() {
            let rows = metadata.rowsPerToken ? tokenIDs.reduce(0) { $0 + $1.count } : k
            let values = (0..<(rows * metadata.dModel)).map { j in
                Float(b * 1000 + h * 100) + Float(j) * 0.25 - 3.5
            }
            activations[hook] = Tensor(shape: [rows, metadata.dModel], storage: values)
        }
        return ActivationBatch(texts: prompts.map { "prompt \($0) — ünïcode ✓" },
                               labels: prompts.map { Int32($0 % 3) - 1 },
                               groups: prompts.map { $0 % 2 == 0 ? "triggered" : "clean" },
                               extras: prompts.map { "{\"id\":\($0)}" },
                               tokenIDs: tokenIDs, activations: activations)
    }

    /// The given prompts (global indices) as one batch, with rows that depend only on the
    /// prompt, so any split into batches or shards writes the same rows.
    static func prompts(_ indices: [Int], metadata: ActivationMetadata) -> ActivationBatch {
        let tokenIDs = indices.map { i in (0..<(i % 5 + 1)).map { Int32(i * 10 + $0) } }
        var activations: [String: Tensor] = [:]
        for (h, hook) in metadata.hooks.enumerated() {
            var values: [Float] = []
            for (n, i) in indices.enumerated() {
                let rows = metadata.rowsPerToken ? tokenIDs[n].count : 1
                values += (0..<(rows * metadata.dModel)).map { j in Float(i * 1000 + h * 100) + Float(j) * 0.25 }
            }
            activations[hook] = Tensor(shape: [values.count / metadata.dModel, metadata.dModel], storage: values)
        }
        return ActivationBatch(texts: indices.map { "prompt \($0)" }, labels: indices.map { Int32($0 % 2) },
                               groups: indices.map { "g\($0 % 3)" }, extras: indices.map { "{\"id\":\($0)}" },
                               tokenIDs: tokenIDs, activations: activations)
    }
}
