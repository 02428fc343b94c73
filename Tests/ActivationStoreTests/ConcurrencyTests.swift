import Foundation
import Testing
@testable import ActivationStore

@Suite("HDF5 from many threads")
struct ConcurrencyTests {
    /// libhdf5 (Debian, not thread-safe) corrupts its state or crashes when two threads are
    /// inside it at once; the global lock must make concurrent readers and writers safe.
    @Test("concurrent readers and writers on separate files all see their own data")
    func concurrentUse() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let metadata = SyntheticRun.metadata()
        let source = folder.appendingPathComponent("shared.h5").path
        let writer = try ActivationWriter(path: source, metadata: metadata)
        for b in 0..<4 { try writer.append(batch: SyntheticRun.batch(b, size: 8, metadata: metadata)) }
        try writer.finish()
        let expected = try ActivationFile(path: source).rows(hook: metadata.hooks[1])

        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 16) { i in
            do {
                if i % 2 == 0 {
                    let file = try ActivationFile(path: source)
                    for _ in 0..<5 where try file.rows(hook: metadata.hooks[1]) != expected { failures.add("reader \(i) saw other rows") }
                } else {
                    let path = folder.appendingPathComponent("w\(i).h5").path
                    let own = try ActivationWriter(path: path, metadata: metadata)
                    for b in 0..<4 { try own.append(batch: SyntheticRun.batch(b, size: 8, metadata: metadata)) }
                    try own.finish()
                    if try ActivationFile(path: path).rows(hook: metadata.hooks[1]) != expected { failures.add("writer \(i) wrote other rows") }
                }
            } catch {
                failures.add("\(i): \(error)")
            }
        }
        #expect(failures.all.isEmpty)
    }
}

/// Failure messages collected from many threads.
final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []
    func add(_ message: String) { lock.lock(); messages.append(message); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return messages }
}
