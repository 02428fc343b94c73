import Foundation
import Testing
import TestSupport
@testable import Formats

/// Streaming a prompt file (what `extract` does) must read exactly what `PromptSet` reads:
/// the same records, line numbers, digest and errors, whatever the block boundaries.
@Suite("Prompt files streamed")
struct PromptSourceTests {
    static let texts: [String] = [
        "{\"prompt\": \"a\", \"label\": true, \"group\": \"g\", \"id\": 7}\n\n{\"prompt\": \"b\", \"label\": 0}\r\n{\"prompt\": \"c\"}",
        "\u{FEFF}{\"prompt\": \"after a byte-order mark\"}\n",
        "\n\n  \n{\"messages\": [{\"role\": \"user\", \"content\": \"héllo ✓\"}]}\n\n",
        "{\"prompt\": \"" + String(repeating: "long ", count: 200) + "\"}\n{\"prompt\": \"next\"}\n",
        // Malformed: each must fail with PromptSet's message.
        "{\"prompt\": \"a\"}\n\n{\"prompt\": \"b\"\n",
        "{\"prompt\": \"a\", \"label\": 2}\n",
        "\n  \n",
        "",
    ]

    func write(_ data: Data) throws -> String {
        let folder = try TestFixtures.temporaryDirectory("prompt-source")
        let path = folder.appendingPathComponent("p.jsonl").path
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Every record with its line, and the digest, or the error's description.
    func streamed(_ path: String) -> (records: [LabeledPrompt], lines: [Int], sha256: String)? {
        var records: [LabeledPrompt] = [], lines: [Int] = []
        guard let sha256 = try? PromptFileSource(path: path).forEachPrompt({ records.append($0); lines.append($1) }) else { return nil }
        return (records, lines, sha256)
    }

    @Test("same records, lines, digest and errors as PromptSet", arguments: texts)
    func sameAsPromptSet(text: String) throws {
        let path = try write(Data(text.utf8))
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path) }
        let whole = Result { try PromptSet(path: path) }
        switch whole {
        case .success(let set):
            let stream = try #require(streamed(path))
            #expect(stream.records == set.records)
            #expect(stream.lines == set.lines)
            #expect(stream.sha256 == set.sha256)
        case .failure(let error):
            #expect(thrownDescription { _ = try PromptFileSource(path: path).forEachPrompt { _, _ in } } == String(describing: error))
        }
    }

    @Test("lines cut across small blocks as JSONLines cuts the whole file")
    func blockBoundaries() throws {
        var data = Data("\u{FEFF}first line\r\n\n".utf8)
        data += Data(String(repeating: "x", count: 50).utf8) + Data("\r\n   \nlast".utf8)
        let path = try write(data)
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path) }
        for size in [1, 2, 3, 7, 16, 64] {
            let reader = try JSONLinesReader(path: path, blockSize: size)
            var lines: [JSONLines.Line] = []
            while let line = try reader.next() { lines.append(line) }
            #expect(lines == (try JSONLines.lines(data, file: path)), "block size \(size)")
            #expect(reader.sha256 == SHA256.hex(data))
        }
    }

    @Test("invalid UTF-8 is reported with its line, however the blocks fall")
    func invalidUTF8() throws {
        let data = Data("{\"prompt\": \"a\"}\n\n".utf8) + Data([0x7B, 0xC3, 0x28, 0x7D, 0x0A])
        let path = try write(data)
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path) }
        let reader = try JSONLinesReader(path: path, blockSize: 3)
        #expect(thrownDescription { while try reader.next() != nil {} } == "\(path):3: not valid UTF-8")
        #expect(thrownDescription { _ = try PromptFileSource(path: path).forEachPrompt { _, _ in } } == "\(path):3: not valid UTF-8")
        #expect(thrownDescription { _ = try PromptFileSource(path: "/nonexistent/p.jsonl").forEachPrompt { _, _ in } }
                == "/nonexistent/p.jsonl: cannot read file")
    }
}
