import Foundation
import Testing
@testable import ActivationStore

/// Spawns `WriterCrashTest` (built next to this test bundle), SIGKILLs it part-way through,
/// resumes in this process and compares with an uninterrupted write of the same data.
@Suite("Activation writer survives SIGKILL")
struct KillTests {
    /// The folder holding the test binary, where SwiftPM also puts the `WriterCrashTest` executable.
    static func childExecutable() throws -> URL {
        var folder: URL
        if FileManager.default.fileExists(atPath: "/proc/self/exe") {  // Linux: the test runner is the binary
            folder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        } else if let bundle = Bundle.allBundles.first(where: { $0.bundlePath.hasSuffix(".xctest") }) {  // macOS
            folder = bundle.bundleURL.deletingLastPathComponent()
        } else {
            folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        }
        folder.appendPathComponent("WriterCrashTest")
        return folder
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let killAfter: Int
        let pauseMicroseconds: Int
        let compress: Bool
        let positions: String
        var testDescription: String { "kill after \(killAfter) commits, pause \(pauseMicroseconds)µs, compress \(compress), \(positions)" }
    }

    @Test("killed writer's file opens, resumes and equals an uninterrupted write", arguments: [
        Case(killAfter: 3, pauseMicroseconds: 2000, compress: false, positions: "last"),
        Case(killAfter: 7, pauseMicroseconds: 0, compress: true, positions: "last"),
        Case(killAfter: 12, pauseMicroseconds: 0, compress: false, positions: "all"),
        Case(killAfter: 20, pauseMicroseconds: 0, compress: true, positions: "all"),
    ])
    func killAndResume(_ c: Case) throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("killed.h5").path
        let batches = 100, size = 4

        let child = Process()
        child.executableURL = try Self.childExecutable()
        child.arguments = [path, String(batches), String(size), String(c.pauseMicroseconds),
                           c.compress ? "compress" : "plain", c.positions]
        let output = Pipe()
        child.standardOutput = output
        try child.run()
        var seen = ""
        var committed = 0, durablePrompts = 0
        while committed < c.killAfter {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }  // the child exited (its error is on stderr)
            seen += String(decoding: data, as: UTF8.self)
            let last = seen.split(separator: "\n").last { $0.hasPrefix("committed ") }?.split(separator: " ")
            if let last, last.count == 3, let b = Int(last[1]), let p = Int(last[2]) { (committed, durablePrompts) = (b, p) }
        }
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(committed >= c.killAfter, "child output: \(seen.suffix(200))")
        #expect(child.terminationReason == .uncaughtSignal)

        var metadata = SyntheticRun.metadata(positions: c.positions, compress: c.compress,
                                             hooks: ["blocks.0.hook_resid_post", "blocks.1.hook_resid_post",
                                                     "ln_final.hook_normalized"], dModel: 1024)
        metadata.nPrompts = batches * size
        // The killed file must open as it is, showing at least what the child reported committed.
        do {
            let killed = try ActivationFile(path: path)  // closed at the end of this scope
            #expect(killed.nDone >= durablePrompts)
            #expect(killed.nDone <= batches * size)
            #expect(!killed.complete)
        }

        let writer = try ActivationWriter.resume(path: path, expecting: metadata)
        #expect(writer.nDone % size == 0)
        for b in (writer.nDone / size)..<batches {
            try writer.append(batch: SyntheticRun.batch(b, size: size, metadata: metadata))
        }
        try writer.finish()

        let reference = folder.appendingPathComponent("reference.h5").path
        let one = try ActivationWriter(path: reference, metadata: metadata)
        for b in 0..<batches { try one.append(batch: SyntheticRun.batch(b, size: size, metadata: metadata)) }
        try one.finish()
        try expectSameContents(path, reference)
    }
}
