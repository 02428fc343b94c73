import Foundation
import Testing
@testable import ActivationStore

/// `resume` as a requeued cluster task uses it: it starts a file that does not exist yet, and
/// refuses a file whose rows were made differently (template, tokenizer).
@Suite("Resume starts and checks")
struct ResumeStartTests {
    @Test func resumeStartsAMissingFile() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("part-0.h5").path
        let metadata = SyntheticRun.metadata(shard: ShardSpec(index: 0, count: 2, blockSize: 4))
        let writer = try ActivationWriter.resume(path: path, expecting: metadata)
        #expect(writer.nDone == 0)
        try writer.append(batch: SyntheticRun.batch(0, size: 4, metadata: metadata))
        try writer.finish()
        let file = try ActivationFile(path: path)
        #expect(file.complete && file.nDone == 4 && file.metadata.shard == metadata.shard)
    }

    @Test func templateIsStoredAndAMismatchRefused() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("x.h5").path
        var metadata = SyntheticRun.metadata()
        metadata.template = "Human: {prompt}\n\nAssistant:"
        do {  // the writer closes at the end of this scope
            let writer = try ActivationWriter(path: path, metadata: metadata)
            try writer.append(batch: SyntheticRun.batch(0, size: 2, metadata: metadata))
        }
        #expect(try ActivationFile(path: path).metadata.template == metadata.template)

        var plain = metadata
        plain.template = nil
        let message = thrownDescription { _ = try ActivationWriter.resume(path: path, expecting: plain) }
        #expect(message == "\(path): cannot resume: template differs (file has \"Human: {prompt}\n\nAssistant:\", this run has none)")
        var other = metadata
        other.template = "Q: {prompt}"
        #expect(thrownDescription { _ = try ActivationWriter.resume(path: path, expecting: other) }?.contains("template differs") == true)
        // The same template resumes.
        #expect(try ActivationWriter.resume(path: path, expecting: metadata).nDone == 2)
    }

    @Test func tokenizerMismatchRefusedWhenBothAreKnown() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("x.h5").path
        var metadata = SyntheticRun.metadata()
        metadata.tokenizerSHA256 = String(repeating: "1", count: 64)
        do {
            let writer = try ActivationWriter(path: path, metadata: metadata)
            try writer.append(batch: SyntheticRun.batch(0, size: 2, metadata: metadata))
        }
        var other = metadata
        other.tokenizerSHA256 = String(repeating: "2", count: 64)
        #expect(thrownDescription { _ = try ActivationWriter.resume(path: path, expecting: other) }?
            .contains("tokenizer_sha256 differs") == true)
        #expect(try ActivationWriter.resume(path: path, expecting: metadata).nDone == 2)
    }
}
