import Foundation
import Testing

@testable import Tokenizers

/// Single normalizers, pre-tokenizers and decoders against their Python outputs (`components.json`).
@Suite("Tokenizer components")
struct ComponentTests {
    private static func groups(_ kind: String) throws -> [(name: String, config: JSONReader, cases: [JSONValue])] {
        let root = try Fixtures.components()
        return (root[kind]?.array ?? []).map { group in
            (group["name"]?.string ?? "?", JSONReader(group["config"] ?? .null, path: kind, file: "components.json"),
             group["cases"]?.array ?? [])
        }
    }

    @Test func preTokenizers() throws {
        let groups = try Self.groups("pre_tokenizers")
        #expect(groups.count >= 15)
        var failures = 0
        for group in groups {
            let preTokenizer = try makePreTokenizer(group.config)
            for c in group.cases {
                let input = c["input"]?.string ?? ""
                let want = (c["pieces"]?.array ?? []).map { piece -> String in
                    let parts = piece.array ?? []
                    let range = parts.count == 2 ? (parts[1].array ?? []).compactMap(\.int) : []
                    return "\(parts.first?.string ?? "")@\(range)"
                }
                let pieces = preTokenizer.preTokenize([NormalizedString(original: input.scalarArray[...])])
                let got = pieces.map { p -> String in
                    let r = p.originalRange(0..<p.count)
                    return "\(p.string)@\([r.lowerBound, r.upperBound])"
                }
                if got != want {
                    failures += 1
                    if failures <= 8 { Issue.record("\(group.name) on \(input.debugDescription): got \(got), want \(want)") }
                }
            }
        }
        #expect(failures == 0)
    }

    @Test func normalizers() throws {
        let groups = try Self.groups("normalizers")
        #expect(groups.count >= 10)
        var failures = 0
        for group in groups {
            let normalizer = try makeNormalizer(group.config)
            for c in group.cases {
                let input = c["input"]?.string ?? ""
                var s = NormalizedString(original: input.scalarArray[...])
                normalizer.normalize(&s)
                let want = c["output"]?.string ?? ""
                if s.string.unicodeScalars.elementsEqual(want.unicodeScalars) == false {
                    failures += 1
                    if failures <= 8 { Issue.record("\(group.name) on \(input.debugDescription): got \(s.string.debugDescription), want \(want.debugDescription)") }
                }
                #expect(s.starts.count == s.scalars.count && s.ends.count == s.scalars.count)
            }
        }
        #expect(failures == 0)
    }

    @Test func decoders() throws {
        let groups = try Self.groups("decoders")
        #expect(groups.count >= 9)
        for group in groups {
            let decoder = try makeDecoder(group.config)
            for c in group.cases {
                let tokens = (c["tokens"]?.array ?? []).compactMap(\.string)
                let got = decoder.decodeChain(tokens).joined()
                #expect(got == c["output"]?.string, "\(group.name) on \(tokens)")
            }
        }
    }

    /// The hand-written GPT-2 / Llama-3 / Qwen2 matchers agree with the general regex path.
    @Test(arguments: [KnownSplitRegex.gpt2, .llama3, .qwen2])
    func knownRegexMatchesGeneralRegex(known: KnownSplitRegex) throws {
        let source: String
        switch known {
        case .gpt2: source = KnownSplitRegex.gpt2Pattern
        case .llama3: source = KnownSplitRegex.llama3Pattern
        case .qwen2: source = KnownSplitRegex.qwen2Pattern
        }
        let general = RegexBox(try NSRegularExpression(pattern: source))
        for c in try Fixtures.expected("gpt2") {
            let scalars = c.text.scalarArray
            #expect(known.matches(in: scalars) == general.matches(in: scalars), "\(known) on \(c.text.debugDescription)")
        }
    }

    @Test func bpeMergesLowestRankLeftmostFirst() throws {
        // Merges: "a a" (rank 0) then "aa a" (rank 1). "aaa" merges the LEFT pair first → "aa" "a" → "aaa".
        let json = #"{"model":{"type":"BPE","vocab":{"a":0,"aa":1,"aaa":2,"b":3,"ab":4},"merges":["a a","aa a","a b"]}}"#
        let tokenizer = try Tokenizer(tokenizerJSON: Data(json.utf8))
        #expect(tokenizer.encode("aaa").ids == [2])
        #expect(tokenizer.encode("aaaa").ids == [1, 1])
        #expect(tokenizer.encode("aab").ids == [1, 3])
        #expect(tokenizer.encode("ab").ids == [4])
    }

    @Test func bpeUnknownAndByteFallback() throws {
        let json = #"""
            {"model":{"type":"BPE","vocab":{"<unk>":0,"a":1,"<0xC3>":2,"<0xA9>":3},"merges":[],
              "unk_token":"<unk>","fuse_unk":true,"byte_fallback":true}}
            """#
        let tokenizer = try Tokenizer(tokenizerJSON: Data(json.utf8))
        #expect(tokenizer.encode("aéa").ids == [1, 2, 3, 1])
        #expect(tokenizer.encode("a€€a").ids == [1, 0, 1])  // no <0xE2>: fused unknown
        #expect(tokenizer.encode("aéa").offsets == [0..<1, 1..<2, 1..<2, 2..<3])
    }

    /// Merge strings split on the space byte and prefixes compared byte-wise: as grapheme clusters
    /// " \u{301}" and "##\u{301}" would glue the combining mark to the space / the second "#".
    @Test func combiningMarksInMerges() throws {
        let json = #"""
            {"model":{"type":"BPE","vocab":{"e":0,"##\u0301":1,"e\u0301":2,"x":3,"\u0301":4,"x\u0301":5},
              "merges":["e ##\u0301"],"continuing_subword_prefix":"##"}}
            """#
        let tokenizer = try Tokenizer(tokenizerJSON: Data(json.utf8))
        #expect(tokenizer.encode("e\u{301}").ids == [2])
        #expect(tokenizer.encode("e\u{301}").offsets == [0..<2])
        let plain = #"{"model":{"type":"BPE","vocab":{"x":3,"\u0301":4,"x\u0301":5},"merges":["x \u0301"]}}"#
        #expect(try Tokenizer(tokenizerJSON: Data(plain.utf8)).encode("x\u{301}").ids == [5])
        // "é" precomposed is a different vocabulary entry from "e\u{301}" (byte-exact keys).
        #expect(tokenizer.tokenID("\u{e9}") == nil && tokenizer.tokenID("e\u{301}") == 2)
    }

    @Test func endOfWordSuffix() throws {
        let json = #"""
            {"model":{"type":"BPE","vocab":{"a":0,"b</w>":1,"ab</w>":2,"b":3,"a</w>":4},
              "merges":["a b</w>"],"end_of_word_suffix":"</w>"},
             "pre_tokenizer":{"type":"WhitespaceSplit"},"decoder":{"type":"BPEDecoder","suffix":"</w>"}}
            """#
        let tokenizer = try Tokenizer(tokenizerJSON: Data(json.utf8))
        #expect(tokenizer.encode("ab ba").ids == [2, 3, 4])
        #expect(tokenizer.decode([2, 3, 4]) == "ab ba")
    }

    @Test func pairMergesAndPrefixSuffix() throws {
        let json = #"""
            {"model":{"type":"BPE","vocab":{"a":0,"##b":1,"##c":2,"ab":3,"abc":4,"b":5},
              "merges":[["a","##b"],["ab","##c"]],"continuing_subword_prefix":"##"}}
            """#
        let tokenizer = try Tokenizer(tokenizerJSON: Data(json.utf8))
        #expect(tokenizer.encode("abc").ids == [4])
        #expect(tokenizer.encode("ab").tokens == ["ab"])
    }
}
