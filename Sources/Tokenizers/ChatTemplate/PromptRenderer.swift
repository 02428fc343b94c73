import Foundation

/// How a prompt becomes the text a model sees, and how that text is tokenized: as is, through a
/// plain `{prompt}` template, or through the model's chat template (then the template writes
/// BOS and the other special tokens itself, so encoding adds none, as transformers'
/// `apply_chat_template(tokenize=True)` does).
public struct PromptRenderer: Sendable {
    public enum Mode: Sendable {
        /// `template` with `{prompt}` replaced, or the prompt unchanged when nil.
        case plain(template: String?)
        /// The chat template; `system` is put in front of conversations without a system message.
        case chat(ChatFormat, system: String?)
    }

    public let mode: Mode

    public init(_ mode: Mode) { self.mode = mode }

    /// A plain template wins over `chat` (as `--template` overrides `--chat`); without either,
    /// `fallbackTemplate` (e.g. an organism's dialogue template) applies.
    public static func load(directory: URL, chat: Bool, chatTemplateName: String? = nil, system: String? = nil,
                            template: String? = nil, fallbackTemplate: String? = nil) throws -> PromptRenderer {
        if let template { return PromptRenderer(.plain(template: template)) }
        if chat {
            return PromptRenderer(.chat(try ChatFormat.load(directory: directory, name: chatTemplateName), system: system))
        }
        return PromptRenderer(.plain(template: fallbackTemplate))
    }

    public var isChat: Bool { if case .chat = mode { return true } else { return false } }

    /// The text for a single prompt: a one-turn conversation in chat mode.
    public func render(prompt: String) throws -> String {
        switch mode {
        case .plain(let template):
            guard let template else { return prompt }
            return template.replacingOccurrences(of: "{prompt}", with: prompt)
        case .chat:
            return try render(messages: [ChatMessage(role: "user", content: prompt)])
        }
    }

    /// The text for a conversation, which needs the chat template.
    public func render(messages: [ChatMessage]) throws -> String {
        guard case .chat(let format, let system) = mode else { throw PromptRenderError.conversationNeedsChat }
        var conversation = messages
        if let system, conversation.first?.role != "system" {
            conversation.insert(ChatMessage(role: "system", content: system), at: 0)
        }
        return try format.render(conversation, addGenerationPrompt: true)
    }

    /// The prompt a plain `{prompt}` template was filled with to give `text`, or nil when `text`
    /// does not have the template's shape (how `organism eval --chat` recovers the user turn of
    /// an organism's dialogue prompt).
    public static func prompt(in text: String, template: String) -> String? {
        guard let slot = template.range(of: "{prompt}") else { return nil }
        let prefix = String(template[..<slot.lowerBound])
        let suffix = String(template[slot.upperBound...])
        guard text.count >= prefix.count + suffix.count, text.hasPrefix(prefix), text.hasSuffix(suffix) else { return nil }
        return String(text.dropFirst(prefix.count).dropLast(suffix.count))
    }

    /// Encodes rendered text; chat templates already hold their special tokens.
    public func encode(_ text: String, with tokenizer: Tokenizer) -> Encoding {
        tokenizer.encode(text, addSpecialTokens: !isChat)
    }
}

/// Why a prompt could not be rendered.
public enum PromptRenderError: Error, CustomStringConvertible, Equatable, Sendable {
    case conversationNeedsChat

    public var description: String {
        switch self {
        case .conversationNeedsChat:
            return "\"messages\" needs the model's chat template: add --chat (--template applies to \"prompt\" lines only)"
        }
    }
}
