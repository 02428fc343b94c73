import Foundation
import Testing

@testable import Tokenizers

@Suite("Streaming decoder")
struct StreamingDecoderTests {
    @Test("one id at a time concatenates to decode, with no stray U+FFFD", arguments: Fixtures.tokenizerNames)
    func streamingMatchesDecode(name: String) throws {
        let tokenizer = try Fixtures.tokenizer(name)
        var failures = 0
        for c in try Fixtures.expected(name) {
            for skip in [false, true] {
                var stream = StreamingDecoder(tokenizer: tokenizer, skipSpecialTokens: skip)
                var pieces = c.ids.map { stream.push($0) }
                pieces.append(stream.finish())
                let full = tokenizer.decode(c.ids, skipSpecialTokens: skip)
                let joined = pieces.joined()
                let strayReplacement = !full.unicodeScalars.contains("\u{FFFD}")
                    && pieces.contains { $0.unicodeScalars.contains("\u{FFFD}") }
                if joined != full || strayReplacement {
                    failures += 1
                    if failures <= 5 { Issue.record("\(name) \(c.text.debugDescription): pieces \(pieces) vs \(full.debugDescription)") }
                }
            }
        }
        #expect(failures == 0)
    }

    @Test func holdsBackIncompleteCharacters() throws {
        let gpt2 = try Fixtures.tokenizer("gpt2")
        let ids = gpt2.encode("😀", addSpecialTokens: false).ids
        #expect(ids.count > 1)  // the emoji is not a single token in the small vocabulary
        var stream = StreamingDecoder(tokenizer: gpt2)
        let pieces = ids.map { stream.push($0) }
        #expect(pieces.dropLast().allSatisfy { $0.isEmpty })
        #expect(pieces.last == "😀")
    }
}
