import Foundation
import Testing
@testable import ModelFiles

@Suite("SHA-256")
struct SHA256Tests {
    @Test("SHA-256 matches the FIPS 180-4 test vectors", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func vectors(message: String, digest: String) {
        #expect(SHA256.hex(Array(message.utf8)) == digest)
    }

    @Test("streaming: no input, and two blocks fed in uneven pieces")
    func streamingPieces() {
        var empty = SHA256()
        #expect(empty.finalizeHex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        var long = SHA256()
        let text = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        long.update(text[0..<5])
        long.update(text[5...])
        #expect(long.finalizeHex() == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test("SHA-256 of a million a's, fed in uneven pieces")
    func streamingMillion() {
        var hasher = SHA256()
        let a = [UInt8](repeating: 0x61, count: 1_000_000)
        var start = 0, step = 1
        while start < a.count {
            let end = min(a.count, start + step)
            hasher.update(a[start..<end])
            start = end
            step = step * 3 % 1013 + 1
        }
        let hex = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        #expect(hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("hashing a file in pieces equals hashing its bytes; a missing file names itself")
    func fileHash() throws {
        let folder = try TemporaryDirectory()
        let bytes = (0..<(9 << 20) + 77).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
        let path = folder.file("weights.bin").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(try SHA256.hex(ofFile: path) == SHA256.hex(bytes))
        let missing = folder.file("none").path
        #expect(throws: FormatError(file: missing, "cannot read file")) { try SHA256.hex(ofFile: missing) }
        #expect(FormatError(file: missing, "cannot read file").description == "\(missing): cannot read file")
    }

    @Test("the model fingerprint hashes the weight files concatenated in the order given")
    func modelFingerprint() throws {
        let folder = try TemporaryDirectory()
        let parts: [[UInt8]] = [Array("first shard ".utf8), [UInt8](repeating: 7, count: 100_001), Array("last".utf8)]
        let names = ["model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors"]
        for (name, part) in zip(names, parts) { try Data(part).write(to: folder.file(name)) }
        #expect(try ModelFingerprint.sha256(directory: folder.url, files: names, cache: nil) == SHA256.hex(parts.flatMap { $0 }))
        #expect(try ModelFingerprint.sha256(directory: folder.url, files: [names[0]], cache: nil) == SHA256.hex(parts[0]))
        #expect(throws: FormatError.self) { try ModelFingerprint.sha256(directory: folder.url, files: ["absent.safetensors"], cache: nil) }
    }
}
