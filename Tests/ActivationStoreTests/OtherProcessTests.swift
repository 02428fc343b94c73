import Foundation
import Testing
@testable import ActivationStore

/// What another process (or a full disk) can do to an output file: a new file appears whole or
/// not at all, `force` never truncates a file someone writes, and a writer whose file was
/// replaced stops instead of reporting rows that no file holds.
@Suite("Activation files and other processes")
struct OtherProcessTests {
    /// Everything in `folder`, hidden files included.
    static func entries(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    @Test func forceRefusesAFileAnotherWriterHolds() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("x.h5").path
        let metadata = SyntheticRun.metadata()
        let first = try ActivationWriter(path: path, metadata: metadata)
        try first.append(batch: SyntheticRun.batch(0, size: 3, metadata: metadata))
        // libhdf5's lock belongs to the open file, so a second writer in this process is
        // refused exactly as one in another process is.
        #expect(throws: ActivationStoreError.locked(path: path)) {
            _ = try ActivationWriter(path: path, metadata: metadata, force: true)
        }
        // The first writer was not disturbed: it carries on and its file is whole.
        try first.append(batch: SyntheticRun.batch(1, size: 3, metadata: metadata))
        try first.finish()
        let file = try ActivationFile(path: path)
        #expect(file.nDone == 6 && file.complete)
    }

    @Test func forceReplacesAFileWholeWhileReadersKeepTheOldOne() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("x.h5").path
        let metadata = SyntheticRun.metadata()
        do {  // the old writer closes at the end of this scope
            let old = try ActivationWriter(path: path, metadata: metadata)
            try old.append(batch: SyntheticRun.batch(0, size: 4, metadata: metadata))
            try old.finish()
        }
        let reader = try ActivationFile(path: path)
        let oldRows = try reader.rows(hook: metadata.hooks[0])

        let new = try ActivationWriter(path: path, metadata: metadata, force: true)
        try new.append(batch: SyntheticRun.batch(5, size: 2, metadata: metadata))
        try new.finish()
        // The reader still sees every row of the file it opened: nothing was truncated.
        #expect(try reader.rows(hook: metadata.hooks[0]) == oldRows)
        #expect(try ActivationFile(path: path).nDone == 2)
        #expect(try Self.entries(folder) == ["x.h5"])
    }

    @Test func aWriterWhoseFileWasReplacedFails() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("x.h5").path
        let other = folder.appendingPathComponent("other.h5").path
        let metadata = SyntheticRun.metadata()
        let writer = try ActivationWriter(path: path, metadata: metadata)
        try writer.append(batch: SyntheticRun.batch(0, size: 2, metadata: metadata))
        let replacement = try ActivationWriter(path: other, metadata: metadata)
        try replacement.finish()
        #expect(rename(other, path) == 0)
        #expect(throws: ActivationStoreError.replaced(path: path)) {
            try writer.append(batch: SyntheticRun.batch(1, size: 2, metadata: metadata))
        }
        #expect(throws: ActivationStoreError.replaced(path: path)) { try writer.finish() }

        let removed = folder.appendingPathComponent("removed.h5").path
        let second = try ActivationWriter(path: removed, metadata: metadata)
        try FileManager.default.removeItem(atPath: removed)
        #expect(throws: ActivationStoreError.replaced(path: removed)) {
            try second.append(batch: SyntheticRun.batch(0, size: 2, metadata: metadata))
        }
    }

    @Test func existingFileMessageNamesTheFlags() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("x.h5").path
        _ = try ActivationWriter(path: path, metadata: SyntheticRun.metadata())
        let message = thrownDescription { _ = try ActivationWriter(path: path, metadata: SyntheticRun.metadata()) }
        #expect(message == "\(path): already exists (overwrite it with --force, or continue it with --resume)")
    }

    @Test func readOnlyFolderIsOneLineAndLeavesNothing() throws {
        guard getuid() != 0 else { return }  // root writes anywhere: nothing to test
        let folder = try makeTemporaryFolder()
        defer {
            chmod(folder.path, 0o755)
            try? FileManager.default.removeItem(at: folder)
        }
        chmod(folder.path, 0o555)
        let path = folder.appendingPathComponent("x.h5").path
        #expect(throws: ActivationStoreError.outputFolderNotWritable(path: path, folder: folder.path)) {
            _ = try ActivationWriter(path: path, metadata: SyntheticRun.metadata())
        }
    }

    @Test func aFailedStartLeavesNoFile() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("x.h5").path
        let writer = try ActivationWriter(path: path, metadata: SyntheticRun.metadata())
        writer.discardIfEmpty()
        #expect(try Self.entries(folder).isEmpty)

        // Once a prompt is committed the file is kept: a resume continues it.
        let kept = try ActivationWriter(path: path, metadata: SyntheticRun.metadata())
        try kept.append(batch: SyntheticRun.batch(0, size: 2, metadata: SyntheticRun.metadata()))
        kept.discardIfEmpty()
        #expect(try Self.entries(folder) == ["x.h5"])
    }

    /// Runs `WriterCrashTest` with writes limited to `limit` bytes (a full disk, without root).
    static func writeWithSizeLimit(_ path: String, limit: Int, positions: String = "last")
        throws -> (status: Int32, reason: Process.TerminationReason, stderr: String) {
        let child = Process()
        child.executableURL = try KillTests.childExecutable()
        child.arguments = [path, "40", "4", "0", "plain", positions]
        child.environment = ["WRITER_FILE_SIZE_LIMIT": String(limit)]
        let errors = Pipe()
        child.standardError = errors
        child.standardOutput = FileHandle.nullDevice
        try child.run()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        child.waitUntilExit()
        return (child.terminationStatus, child.terminationReason, stderr)
    }

    @Test("a full disk at creation is a one-line error and leaves nothing (it crashed inside libhdf5)")
    func fullDiskAtCreation() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("x.h5").path
        let run = try Self.writeWithSizeLimit(path, limit: 2048)
        #expect(run.reason == .exit && run.status == 2, "\(run.reason) \(run.status): \(run.stderr)")
        #expect(run.stderr.contains("File too large"), "\(run.stderr)")
        #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
        #expect(try Self.entries(folder).isEmpty)
    }

    @Test func fullDiskDuringARunLeavesAFileThatResumes() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("x.h5").path
        // 160 prompts of 1 to 5 tokens fill two 1 MiB chunks (256 rows of 1024) per hook; the
        // limit leaves room for the first chunk of each of the three hooks only. The writer
        // reserves each batch's space before writing, so it stops cleanly at the second.
        let run = try Self.writeWithSizeLimit(path, limit: 3_700_000, positions: "all")
        #expect(run.reason == .exit && run.status == 2, "\(run.reason) \(run.status): \(run.stderr)")
        #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
        let partial = try ActivationFile(path: path)
        #expect(!partial.complete)
        #expect(partial.nDone > 0 && partial.nDone < 160, "n_done \(partial.nDone)")
        #expect(run.stderr.hasSuffix("cannot write: File too large\n"), "\(run.stderr)")
    }

    @Test func reservedSpaceIsGivenBack() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("x.h5").path
        let metadata = SyntheticRun.metadata(dModel: 1024)
        let writer = try ActivationWriter(path: path, metadata: metadata)
        try writer.append(batch: SyntheticRun.batch(0, size: 2, metadata: metadata))
        try writer.finish()
        // Two hooks, one 1 MiB chunk each: about 2 MiB, not the reservation's slack on top.
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        #expect(size > 2 << 20 && size < (2 << 20) + (256 << 10), "\(size) bytes")
    }
}
