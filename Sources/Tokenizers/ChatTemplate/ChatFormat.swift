import Foundation

/// A model directory's chat template with the special-token strings it is rendered with, as
/// transformers loads them: `chat_template.jinja` if present, else `tokenizer_config.json`'s
/// `chat_template` (a string, or a list of `{name, template}` of which "default" is used);
/// `bos_token`, `eos_token`, … from `tokenizer_config.json` or `special_tokens_map.json`,
/// each a string or an AddedToken object `{"content": …}`.
public struct ChatFormat: Sendable {
    public let template: ChatTemplate
    /// `bos_token`, `eos_token`, `unk_token`, `sep_token`, `pad_token`, `cls_token`, `mask_token`
    /// when the model defines them.
    public let specialTokens: [String: String]

    public init(template: ChatTemplate, specialTokens: [String: String]) {
        self.template = template
        self.specialTokens = specialTokens
    }

    private static let tokenNames = ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"]

    /// Loads the chat template named `name` (nil: the default one) from `directory`.
    /// Throws when the directory has no chat template, or a file or the template is malformed.
    public static func load(directory: URL, name: String? = nil) throws -> ChatFormat {
        let config = try readObject(directory, "tokenizer_config.json")
        let source: String
        let file: String
        if let name, name != "default" {
            let url = directory.appendingPathComponent("additional_chat_templates/\(name).jinja")
            if let text = try readText(url) {
                (source, file) = (text, "additional_chat_templates/\(name).jinja")
            } else if let text = try namedTemplate(config, name) {
                (source, file) = (text, "tokenizer_config.json")
            } else {
                throw ChatTemplateError(file: "tokenizer_config.json", line: nil, "no chat template named \"\(name)\" in \(directory.path)")
            }
        } else if let text = try readText(directory.appendingPathComponent("chat_template.jinja")) {
            (source, file) = (text, "chat_template.jinja")
        } else if let text = try defaultTemplate(config) {
            (source, file) = (text, "tokenizer_config.json")
        } else {
            throw ChatTemplateError(file: "tokenizer_config.json", line: nil,
                                    "\(directory.path) has no chat template (no chat_template.jinja and no \"chat_template\" in tokenizer_config.json)")
        }
        var tokens: [String: String] = [:]
        let map = try readObject(directory, "special_tokens_map.json")
        for (file, object) in [("special_tokens_map.json", map), ("tokenizer_config.json", config)] {
            guard let object else { continue }
            for key in tokenNames {
                guard let value = object[key] else { continue }
                if let text = value.string {
                    tokens[key] = text
                } else if let text = value["content"]?.string {
                    tokens[key] = text
                } else {
                    throw ChatTemplateError(file: file, line: nil, "\(key): expected a string or {\"content\": …}")
                }
            }
        }
        return ChatFormat(template: try ChatTemplate(source: source, file: file), specialTokens: tokens)
    }

    /// Renders a conversation; the generation prompt (e.g. `<|im_start|>assistant\n`) is added
    /// by default, as a model is prompted to answer.
    public func render(_ messages: [ChatMessage], addGenerationPrompt: Bool = true, now: Date = Date()) throws -> String {
        try template.render(messages: messages, addGenerationPrompt: addGenerationPrompt, specialTokens: specialTokens, now: now)
    }

    private static func readText(_ url: URL) throws -> String? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
            throw ChatTemplateError(file: url.lastPathComponent, line: nil, "cannot be read as UTF-8 text")
        }
        return text
    }

    private static func readObject(_ directory: URL, _ name: String) throws -> JSONValue? {
        let url = directory.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ChatTemplateError(file: name, line: nil, "cannot be read")
        }
        let value: JSONValue
        do { value = try JSONValue.parse(data, file: name) } catch let error as TokenizerError {
            throw ChatTemplateError(file: name, line: nil, error.message)
        }
        guard case .object = value else { throw ChatTemplateError(file: name, line: nil, "expected a JSON object") }
        return value
    }

    /// `chat_template` as a string, or the entry named "default" of a list of `{name, template}`.
    private static func defaultTemplate(_ config: JSONValue?) throws -> String? {
        guard let value = config?["chat_template"] else { return nil }
        if let text = value.string { return text }
        guard value.array != nil else {
            throw ChatTemplateError(file: "tokenizer_config.json", line: nil, "chat_template: expected a string or a list of {\"name\", \"template\"}")
        }
        if let text = try namedTemplate(config, "default") { return text }
        let names = try templateList(value).map(\.name).sorted().joined(separator: ", ")
        throw ChatTemplateError(file: "tokenizer_config.json", line: nil,
                                "chat_template: several templates (\(names)) and none named \"default\"; choose one with --chat-template NAME")
    }

    private static func namedTemplate(_ config: JSONValue?, _ name: String) throws -> String? {
        guard let value = config?["chat_template"], value.array != nil else { return nil }
        return try templateList(value).first { $0.name == name }?.template
    }

    private static func templateList(_ value: JSONValue) throws -> [(name: String, template: String)] {
        try (value.array ?? []).enumerated().map { i, entry in
            guard let name = entry["name"]?.string, let template = entry["template"]?.string else {
                throw ChatTemplateError(file: "tokenizer_config.json", line: nil, "chat_template[\(i)]: expected {\"name\": …, \"template\": …}")
            }
            return (name, template)
        }
    }
}
