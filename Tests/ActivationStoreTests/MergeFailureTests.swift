import Foundation
import Testing
@testable import ActivationStore

/// A merge appears whole or not at all: it was seen to leave an unreadable `--out` when
/// killed, which the rerun then refused as existing.
@Suite("Merge failures")
struct MergeFailureTests {
    /// Runs a merge in `WriterCrashTest` with writes limited to `limit` bytes.
    static func merge(_ parts: [String], output: String, mode: String, limit: Int?) throws -> (Int32, String) {
        let child = Process()
        child.executableURL = try KillTests.childExecutable()
        child.arguments = ["merge", output, mode] + parts
        if let limit { child.environment = ["WRITER_FILE_SIZE_LIMIT": String(limit)] }
        let errors = Pipe()
        child.standardError = errors
        try child.run()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        child.waitUntilExit()
        return (child.terminationReason == .exit ? child.terminationStatus : -1, stderr)
    }

    @Test("a merge that fails part-way leaves no output and no temporary file", arguments: ["copy", "virtual"])
    func failedMergeLeavesNothing(mode: String) throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (parts, _) = try MergeTests().writeParts(SyntheticRun.metadata(dModel: 1024), in: folder)
        let before = try OtherProcessTests.entries(folder)
        let output = folder.appendingPathComponent("merged.h5").path
        // Parts hold 1 MiB chunks; 4 KiB is enough for the schema of neither mode.
        let (status, stderr) = try Self.merge(parts, output: output, mode: mode, limit: 4096)
        #expect(status == 2, "\(stderr)")
        #expect(stderr.contains("File too large"), "\(stderr)")
        #expect(try OtherProcessTests.entries(folder) == before)

        // The rerun is not refused: there is nothing in the way.
        let (again, message) = try Self.merge(parts, output: output, mode: mode, limit: nil)
        #expect(again == 0, "\(message)")
        #expect(try ActivationFile(path: output).complete)
        #expect(try OtherProcessTests.entries(folder) == (before + ["merged.h5"]).sorted())
    }

    @Test func existingOutputNamesForceAndAFailedForcedMergeKeepsIt() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (parts, reference) = try MergeTests().writeParts(SyntheticRun.metadata(), in: folder)
        #expect(thrownDescription { try ActivationMerge.merge(parts: parts, output: reference, mode: .virtual) }
                == "\(reference): already exists (overwrite it with --force)")
        // A merge that fails validation with --force leaves the old output as it was.
        let size = try FileManager.default.attributesOfItem(atPath: reference)[.size] as? Int
        #expect(throws: (any Error).self) {
            try ActivationMerge.merge(parts: Array(parts.dropFirst()), output: reference, mode: .copy, force: true)
        }
        #expect(try FileManager.default.attributesOfItem(atPath: reference)[.size] as? Int == size)
        #expect(try ActivationFile(path: reference).complete)
    }
}
