import Foundation
import Testing

@testable import Tokenizers

/// Every fixture tokenizer × every test string against the Python `tokenizers` output.
@Suite("Tokenizer parity with Hugging Face tokenizers")
struct ParityTests {
    /// Records at most a few mismatches per field so a failure stays readable.
    private struct Mismatches {
        var count = 0
        mutating func check<T: Equatable>(_ what: String, _ text: String, _ got: T, _ want: T) {
            guard got != want else { return }
            count += 1
            if count <= 8 { Issue.record("\(what) differs for \(text.debugDescription): got \(got), want \(want)") }
        }
    }

    @Test("ids, offsets and tokens", arguments: Fixtures.tokenizerNames)
    func encodeMatches(name: String) throws {
        let tokenizer = try Fixtures.tokenizer(name)
        let cases = try Fixtures.expected(name)
        #expect(cases.count >= (["roberta", "bpe_suffix"].contains(name) ? 120 : 300))
        var mismatches = Mismatches()
        for c in cases {
            let encoding = tokenizer.encode(c.text)
            mismatches.check("\(name) ids", c.text, encoding.ids, c.ids)
            mismatches.check("\(name) offsets", c.text, encoding.offsets.flatMap { [$0.lowerBound, $0.upperBound] }, c.offsets)
            if let tokens = c.tokens { mismatches.check("\(name) tokens", c.text, encoding.tokens, tokens) }
            if let plain = c.ids_no_special {
                mismatches.check("\(name) ids without special tokens", c.text, tokenizer.encode(c.text, addSpecialTokens: false).ids, plain)
            }
            if let split = c.ids_plain_special {
                let got = tokenizer.encode(c.text, addSpecialTokens: false, parseSpecialTokens: false).ids
                mismatches.check("\(name) ids with special tokens as text", c.text, got, split)
            }
        }
        #expect(mismatches.count == 0)
    }

    /// One shared tokenizer used from many tasks gives the serial results (the BPE cache is shared).
    @Test func concurrentEncodingMatchesSerial() async throws {
        let tokenizer = try Fixtures.tokenizer("llama3")
        let cases = try Fixtures.expected("llama3")
        let mismatched = await withTaskGroup(of: Int.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    var bad = 0
                    for (i, c) in cases.enumerated() where i % 4 == worker {
                        if tokenizer.encode(c.text).ids != c.ids { bad += 1 }
                    }
                    return bad
                }
            }
            return await group.reduce(0, +)
        }
        #expect(mismatched == 0)
    }

    @Test("decode with and without special tokens", arguments: Fixtures.tokenizerNames)
    func decodeMatches(name: String) throws {
        let tokenizer = try Fixtures.tokenizer(name)
        var mismatches = Mismatches()
        for c in try Fixtures.expected(name) {
            let decoded = c.decoded ?? c.text
            mismatches.check("\(name) decode", c.text, tokenizer.decode(c.ids), decoded)
            mismatches.check("\(name) decode skipping special", c.text, tokenizer.decode(c.ids, skipSpecialTokens: true), c.decoded_skip ?? decoded)
        }
        #expect(mismatches.count == 0)
    }
}
