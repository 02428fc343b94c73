import Foundation
import Tensors
import Testing
@testable import ActivationStore

@Suite("Activation writer resume and refusals")
struct ResumeTests {
    @Test("resume cuts uncommitted rows and continues to the same file as one run")
    func resumeAfterUncommittedRows() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let metadata = SyntheticRun.metadata(positions: "all")
        let path = folder.appendingPathComponent("r.h5").path
        do {
            let writer = try ActivationWriter(path: path, metadata: metadata)
            try writer.append(batch: SyntheticRun.batch(0, size: 3, metadata: metadata))
            try writer.append(batch: SyntheticRun.batch(1, size: 3, metadata: metadata))
        }
        // Simulate a batch that extended and wrote datasets but died before committing n_done.
        do {
            let file = try HDF5File.open(path: path, mode: .readWrite)
            try file.setAttribute("n_done", .int(3))
        }
        let writer = try ActivationWriter.resume(path: path, expecting: metadata)
        #expect(writer.nDone == 3)
        for b in 1..<4 { try writer.append(batch: SyntheticRun.batch(b, size: 3, metadata: metadata)) }
        try writer.finish()

        let reference = folder.appendingPathComponent("ref.h5").path
        let one = try ActivationWriter(path: reference, metadata: metadata)
        for b in 0..<4 { try one.append(batch: SyntheticRun.batch(b, size: 3, metadata: metadata)) }
        try one.finish()
        try expectSameContents(path, reference)
    }

    @Test("compressed files commit whole chunks only, and finish writes the rest")
    func compressedCommitsWholeChunks() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // d_model 1024 float32 → 256-row chunks.
        let metadata = SyntheticRun.metadata(compress: true, dModel: 1024)
        #expect(ActivationWriter.chunkRows(dModel: 1024, dtype: .float32) == 256)
        let path = folder.appendingPathComponent("c.h5").path
        let writer = try ActivationWriter(path: path, metadata: metadata)
        for b in 0..<3 { try writer.append(batch: SyntheticRun.batch(b, size: 100, metadata: metadata)) }
        #expect(writer.nDone == 300)
        #expect(writer.committed == 256)
        #expect(try ActivationFile(path: path).nDone == 256)

        let resumed = try ActivationWriter.resume(path: path, expecting: metadata)
        #expect(resumed.nDone == 256)
        for b in 0..<3 {  // the rest of batch 2, then two more batches of 100
            var batch = SyntheticRun.batch(b + 2, size: 100, metadata: metadata)
            if b == 0 { batch = Self.tail(of: batch, from: 56) }
            try resumed.append(batch: batch)
        }
        try resumed.finish()
        #expect(resumed.committed == 500)

        let reference = folder.appendingPathComponent("ref.h5").path
        let one = try ActivationWriter(path: reference, metadata: metadata)
        for b in 0..<5 { try one.append(batch: SyntheticRun.batch(b, size: 100, metadata: metadata)) }
        try one.finish()
        try expectSameContents(path, reference)
    }

    @Test("resuming a finished compressed file keeps it readable and consistent", arguments: ["last", "all"])
    func resumeFinishedCompressed(positions: String) throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let metadata = SyntheticRun.metadata(positions: positions, compress: true, dModel: 1024)
        let path = folder.appendingPathComponent("c.h5").path
        do {
            let writer = try ActivationWriter(path: path, metadata: metadata)
            for b in 0..<3 { try writer.append(batch: SyntheticRun.batch(b, size: 100, metadata: metadata)) }
            try writer.finish()
        }
        let reference = folder.appendingPathComponent("ref.h5").path
        try FileManager.default.copyItem(atPath: path, toPath: reference)
        let resumed = try ActivationWriter.resume(path: path, expecting: metadata)
        #expect(resumed.nDone == 300)
        #expect(resumed.committed < 300)
        do {  // what a kill right now would leave: a valid file with the committed prompts
            let file = try ActivationFile(path: path)
            #expect(file.nDone == resumed.committed)
            #expect(!file.complete)
        }
        try resumed.finish()
        try expectSameContents(path, reference)
    }

    /// Prompts `from...` of a last-position batch.
    static func tail(of batch: ActivationBatch, from start: Int) -> ActivationBatch {
        ActivationBatch(texts: Array(batch.texts[start...]), labels: Array(batch.labels[start...]),
                        groups: Array(batch.groups[start...]), extras: Array(batch.extras[start...]),
                        tokenIDs: Array(batch.tokenIDs[start...]),
                        activations: batch.activations.mapValues { t in
                            Tensor(shape: [t.shape[0] - start, t.shape[1]], storage: Array(t.storage[(start * t.shape[1])...]))
                        })
    }

    @Test("resume refuses a file written for another run, naming the field")
    func resumeRefusals() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let metadata = SyntheticRun.metadata()
        let path = folder.appendingPathComponent("m.h5").path
        _ = try ActivationWriter(path: path, metadata: metadata)

        var other = metadata
        other.modelSHA256 = "ff"
        #expect(thrownDescription { _ = try ActivationWriter.resume(path: path, expecting: other) }
                == "\(path): cannot resume: model_sha256 differs (file has \(metadata.modelSHA256), this run has ff)")
        other = metadata
        other.hooks = ["blocks.0.hook_resid_post"]
        #expect(thrownDescription { _ = try ActivationWriter.resume(path: path, expecting: other) }
                == "\(path): cannot resume: hooks differs (file has blocks.0.hook_resid_post,blocks.1.hook_resid_post, this run has blocks.0.hook_resid_post)")
        other = metadata
        other.promptFileSHA256 = "00"
        #expect(thrownDescription { _ = try ActivationWriter.resume(path: path, expecting: other) }
                == "\(path): cannot resume: prompt_file_sha256 differs (file has \(metadata.promptFileSHA256), this run has 00)")
        other = metadata
        other.shard = ShardSpec(index: 1, count: 2, blockSize: 8)
        #expect(thrownDescription { _ = try ActivationWriter.resume(path: path, expecting: other) }
                == "\(path): cannot resume: shard differs (file has none, this run has 1/2 blocks of 8)")
        #expect(try ActivationWriter.resume(path: path, expecting: metadata).nDone == 0)
    }

    @Test("creating over an existing file needs force; a missing folder is named")
    func createRefusals() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let metadata = SyntheticRun.metadata()
        let path = folder.appendingPathComponent("e.h5").path
        let first = try ActivationWriter(path: path, metadata: metadata)
        try first.append(batch: SyntheticRun.batch(0, size: 2, metadata: metadata))
        #expect(thrownDescription { _ = try ActivationWriter(path: path, metadata: metadata) }
                == "\(path): already exists (overwrite it with --force, or continue it with --resume)")
        #expect(try ActivationFile(path: path).nDone == 2)

        let missing = folder.appendingPathComponent("no/such/dir/x.h5").path
        #expect(thrownDescription { _ = try ActivationWriter(path: missing, metadata: metadata) }
                == "\(missing): output folder \(folder.path)/no/such/dir does not exist")
    }

    @Test("a finished writer refuses more batches")
    func finished() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let metadata = SyntheticRun.metadata()
        let path = folder.appendingPathComponent("f.h5").path
        let writer = try ActivationWriter(path: path, metadata: metadata)
        try writer.finish()
        #expect(thrownDescription { try writer.append(batch: SyntheticRun.batch(0, size: 1, metadata: metadata)) }
                == "\(path): writer already finished")
    }
}

/// Every prompt field, token and activation row of two activations files is identical.
func expectSameContents(_ a: String, _ b: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let x = try ActivationFile(path: a), y = try ActivationFile(path: b)
    #expect(x.metadata == y.metadata, sourceLocation: sourceLocation)
    #expect(x.nDone == y.nDone, sourceLocation: sourceLocation)
    #expect(x.complete == y.complete, sourceLocation: sourceLocation)
    #expect(try x.texts == y.texts, sourceLocation: sourceLocation)
    #expect(try x.labels == y.labels, sourceLocation: sourceLocation)
    #expect(try x.groups == y.groups, sourceLocation: sourceLocation)
    #expect(try x.extras == y.extras, sourceLocation: sourceLocation)
    #expect(try x.nTokens == y.nTokens, sourceLocation: sourceLocation)
    for prompt in 0..<x.nDone {
        #expect(try x.tokenIDs(prompt: prompt) == y.tokenIDs(prompt: prompt), sourceLocation: sourceLocation)
    }
    for hook in x.hookNames {
        #expect(try x.rows(hook: hook) == y.rows(hook: hook), sourceLocation: sourceLocation)
    }
    // Nothing stale past the committed rows either: the raw datasets have the same extents.
    let fx = try HDF5File.open(path: a, mode: .readOnly), fy = try HDF5File.open(path: b, mode: .readOnly)
    for (group, names) in [("prompts", ["text", "label", "group", "n_tokens", "extra"]), ("tokens", ["ids", "offsets"]),
                           ("acts", x.hookNames)] {
        for name in names {
            #expect(try fx.openGroup(group).openDataset(name).shape() == fy.openGroup(group).openDataset(name).shape(),
                    "\(group)/\(name)", sourceLocation: sourceLocation)
        }
    }
}

@Suite("Files locked by a running writer")
struct LockTests {
    @Test("opening a file another process is writing says so")
    func lockedByWriter() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("live.h5").path
        let child = Process()
        child.executableURL = try KillTests.childExecutable()
        child.arguments = [path, "100000", "4", "20000"]
        let output = Pipe()
        child.standardOutput = output
        try child.run()
        defer { kill(child.processIdentifier, SIGKILL); child.waitUntilExit() }
        var seen = ""
        while !seen.contains("committed") {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            seen += String(decoding: data, as: UTF8.self)
        }
        #expect(thrownDescription { _ = try ActivationFile(path: path) }
                == "\(path): locked by another process that is writing it (wait for it, or kill it and resume)")
    }
}
