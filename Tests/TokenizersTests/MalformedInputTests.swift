import Foundation
import Testing

@testable import Tokenizers

/// A broken tokenizer.json (or config file) is a one-line error naming the file and the field.
@Suite("Malformed tokenizer files")
struct MalformedInputTests {
    private static let validModel = #""model":{"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":["a b"]}"#

    private func expectError(_ json: String, containing expected: String) {
        do {
            _ = try Tokenizer(tokenizerJSON: Data(json.utf8))
            Issue.record("expected an error containing \(expected.debugDescription) for \(json)")
        } catch let error as TokenizerError {
            #expect(error.description.hasPrefix("tokenizer.json: "), "\(error)")
            #expect(error.description.contains(expected), "\(error)")
            #expect(!error.description.contains("\n"))
        } catch {
            Issue.record("unexpected error type: \(error)")
        }
    }

    @Test func notJSON() {
        expectError("{ this is not json", containing: "not valid JSON")
        expectError("", containing: "not valid JSON")
        expectError("[1, 2]", containing: "expected a JSON object")
    }

    @Test func missingOrBrokenModel() {
        expectError("{}", containing: "model: missing")
        expectError(#"{"model": 3}"#, containing: "model: expected an object")
        expectError(#"{"model":{"type":"BPE","vocab":[1,2],"merges":[]}}"#, containing: "model.vocab: expected a map")
        expectError(#"{"model":{"type":"BPE","merges":[]}}"#, containing: "model.vocab: missing")
        expectError(#"{"model":{"type":"BPE","vocab":{"a":"x"},"merges":[]}}"#, containing: #"model.vocab["a"]"#)
        expectError(#"{"model":{"type":"Mystery","vocab":{}}}"#, containing: #"unsupported model type "Mystery""#)
    }

    @Test func badMerges() {
        expectError(#"{"model":{"type":"BPE","vocab":{"a":0},"merges":["a","a a"]}}"#,
                    containing: #"model.merges[0]: expected "a b" or ["a","b"]"#)
        expectError(#"{"model":{"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":["a b",["a"]]}}"#,
                    containing: "model.merges[1]")
        expectError(#"{"model":{"type":"BPE","vocab":{"a":0,"b":1},"merges":["a b"]}}"#,
                    containing: #"merged token "ab" is not in the vocabulary"#)
        expectError(#"{"model":{"type":"BPE","vocab":{"a":0},"merges":["a c"]}}"#, containing: #"token "c""#)
        expectError(#"{"model":{"type":"BPE","vocab":{"a":0},"merges":{"a":1}}}"#, containing: "model.merges: expected an array")
    }

    @Test func unsupportedComponents() {
        expectError(#"{"pre_tokenizer":{"type":"Foo"},\#(Self.validModel)}"#, containing: #"unsupported pre_tokenizer type "Foo""#)
        expectError(#"{"normalizer":{"type":"Bar"},\#(Self.validModel)}"#, containing: #"unsupported normalizer type "Bar""#)
        expectError(#"{"decoder":{"type":"Baz"},\#(Self.validModel)}"#, containing: #"unsupported decoder type "Baz""#)
        expectError(#"{"post_processor":{"type":"Qux"},\#(Self.validModel)}"#, containing: #"unsupported post_processor type "Qux""#)
        expectError(#"{"pre_tokenizer":{"kind":"Split"},\#(Self.validModel)}"#, containing: "pre_tokenizer.type: missing")
        expectError(#"{"pre_tokenizer":{"type":"Split","pattern":{"Regex":"("},"behavior":"Isolated"},\#(Self.validModel)}"#,
                    containing: "regex does not compile")
        expectError(#"{"pre_tokenizer":{"type":"Split","pattern":{"String":" "},"behavior":"Sideways"},\#(Self.validModel)}"#,
                    containing: #"unknown value "Sideways""#)
        expectError(#"{"pre_tokenizer":{"type":"Sequence","pretokenizers":[{"type":"Nope"}]},\#(Self.validModel)}"#,
                    containing: "pre_tokenizer.pretokenizers[0]")
        expectError(#"{"post_processor":{"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"<s>"}}],"special_tokens":{}},\#(Self.validModel)}"#,
                    containing: #"special token "<s>" is not in special_tokens"#)
    }

    @Test func badUnigramAndWordLevel() {
        expectError(#"{"model":{"type":"Unigram","vocab":[["a",-1.0],["b"]]}}"#, containing: #"model.vocab[1]: expected ["piece", score]"#)
        expectError(#"{"model":{"type":"Unigram","vocab":[["a",-1.0]],"unk_id":4}}"#, containing: "unk_id 4 is outside the vocabulary")
        expectError(#"{"model":{"type":"Unigram","vocab":{"a":1}}}"#, containing: "model.vocab: expected an array")
        expectError(#"{"model":{"type":"WordLevel","vocab":{"a":0},"unk_token":"[UNK]"}}"#, containing: #"unk_token "[UNK]" is not in the vocabulary"#)
        expectError(#"{"model":{"type":"WordLevel","vocab":{"a":4000000000}}}"#, containing: "far beyond the vocabulary size")
    }

    /// Every truncation of a real tokenizer.json is a clean error, never a crash.
    @Test func truncatedFilesFailCleanly() throws {
        let data = try Data(contentsOf: Fixtures.directory("llama3").appendingPathComponent("tokenizer.json"))
        var cut = 0
        var failures = 0
        while cut < data.count {
            do {
                _ = try Tokenizer(tokenizerJSON: data.prefix(cut))
                failures += 1
            } catch is TokenizerError {
            } catch {
                failures += 1
            }
            cut += 97
        }
        #expect(failures == 0)
        #expect(throws: Never.self) { try Tokenizer(tokenizerJSON: data) }
    }

    @Test func badAddedTokens() {
        expectError(#"{"added_tokens":[{"id":-1,"content":"x"}],\#(Self.validModel)}"#, containing: "added_tokens[0].id")
        expectError(#"{"added_tokens":[{"id":5}],\#(Self.validModel)}"#, containing: "added_tokens[0].content: missing")
        expectError(#"{"added_tokens":[{"id":5,"content":"x","special":"yes"}],\#(Self.validModel)}"#,
                    containing: "added_tokens[0].special: expected true or false")
        expectError(#"{"added_tokens":{"id":5},\#(Self.validModel)}"#, containing: "added_tokens: expected an array")
    }

    @Test func badConfigFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tok-malformed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: TokenizerError(file: "\(directory.path)/tokenizer.json", "not found")) {
            try Tokenizer.load(directory: directory)
        }
        try Data("{\(Self.validModel)}".utf8).write(to: directory.appendingPathComponent("tokenizer.json"))
        try Data(#"{"eos_token_id": "two"}"#.utf8).write(to: directory.appendingPathComponent("generation_config.json"))
        #expect(throws: TokenizerError(file: "\(directory.path)/generation_config.json", "eos_token_id: expected an integer or a list of integers")) {
            try Tokenizer.load(directory: directory)
        }
        try Data(#"{"eos_token_id": [1, "x"]}"#.utf8).write(to: directory.appendingPathComponent("generation_config.json"))
        #expect(throws: TokenizerError(file: "\(directory.path)/generation_config.json", "eos_token_id[1]: expected an integer")) {
            try Tokenizer.load(directory: directory)
        }
        try FileManager.default.removeItem(at: directory.appendingPathComponent("generation_config.json"))
        try Data("{nope".utf8).write(to: directory.appendingPathComponent("tokenizer_config.json"))
        #expect(throws: TokenizerError(file: "\(directory.path)/tokenizer_config.json", "not valid JSON (expected a key at byte 1)")) {
            try Tokenizer.load(directory: directory)
        }
        try Data(#"{"bos_token": 7}"#.utf8).write(to: directory.appendingPathComponent("tokenizer_config.json"))
        #expect(throws: TokenizerError(file: "\(directory.path)/tokenizer_config.json", #"bos_token: expected a string or {"content": …}"#)) {
            try Tokenizer.load(directory: directory)
        }
    }
}
