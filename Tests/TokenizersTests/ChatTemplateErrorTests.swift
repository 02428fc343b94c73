import Foundation
import Testing

@testable import Tokenizers

/// What the renderer refuses: features outside the supported subset, templates that raise, and
/// malformed model directories. Every error is one line naming the file and, when it is about
/// the template, the template line.
@Suite("Chat template errors")
struct ChatTemplateErrorTests {
    private func failure(_ source: String, messages: [ChatMessage] = [ChatMessage(role: "user", content: "hi")]) -> ChatTemplateError? {
        do {
            let template = try ChatTemplate(source: source, file: "tokenizer_config.json")
            _ = try template.render(messages: messages, addGenerationPrompt: true)
            return nil
        } catch let error as ChatTemplateError {
            return error
        } catch {
            Issue.record("unexpected error type: \(error)")
            return nil
        }
    }

    @Test("unsupported features name their line", arguments: [
        ("ok\n{% include 'other.jinja' %}", 2, "unsupported tag \"include\""),
        ("{% extends 'base.jinja' %}", 1, "unsupported tag \"extends\""),
        ("a\n\n{% raw %}{{ x }}{% endraw %}", 3, "unsupported tag \"raw\""),
        ("{% for m in messages recursive %}{{ loop(m) }}{% endfor %}", 1, "unsupported: recursive loops"),
        ("\n{{ messages | wordwrap(5) }}", 2, "unsupported filter \"wordwrap\""),
        ("{{ messages | frobnicate }}", 1, "unknown filter \"frobnicate\""),
        ("{% if 1 is frobnicated %}{% endif %}", 1, "unknown test \"frobnicated\""),
        ("{{ '%s' % 'x' }}", 1, "unsupported: % string formatting"),
        ("{{ f(*args) }}", 1, "unsupported: *args and **kwargs in calls"),
        ("{% do messages.append(1) %}", 1, "unsupported tag \"do\""),
    ])
    func unsupported(source: String, line: Int, message: String) throws {
        let error = try #require(failure(source))
        #expect(error.line == line)
        #expect(error.message == message)
        #expect(error.description == "tokenizer_config.json: chat template line \(line): \(message)")
    }

    @Test("raise_exception carries its message and line")
    func raiseException() throws {
        let source = """
            {% for m in messages %}
            {% if m.role == 'system' %}
            {{ raise_exception('System role not supported') }}
            {% endif %}
            {% endfor %}
            """
        let error = try #require(failure(source, messages: [ChatMessage(role: "system", content: "x")]))
        #expect(error.description == "tokenizer_config.json: chat template line 3: System role not supported")
        #expect(failure(source) == nil)
        let multiline = try #require(failure("{{ raise_exception('first\\nsecond') }}"))
        #expect(multiline.message == "first\nsecond")
        #expect(multiline.description == "tokenizer_config.json: chat template line 1: first second")
    }

    @Test("runtime errors: undefined values used, type errors, modifying methods")
    func runtime() throws {
        #expect(try #require(failure("{{ nothing.attr }}")).message == "'nothing' is undefined")
        #expect(try #require(failure("\n{{ messages[0].name.first }}")).line == 2)
        #expect(try #require(failure("{{ 'a' + 1 }}")).message == "unsupported operand type(s) for +: 'str' and 'int'")
        #expect(try #require(failure("{{ messages.append(1) }}")).message == "access to attribute 'append' of 'list' object is unsafe")
        #expect(try #require(failure("{{ 1 // 0 }}")).message == "integer division or modulo by zero")
        #expect(try #require(failure("{% set ns = namespace(_secret=1) %}")).message.contains("underscore"))
        #expect(try #require(failure("{% set x = 1 %}{% set x.y = 2 %}")).message.contains("non-namespace"))
        #expect(try #require(failure("{% macro m(a) %}{% endmacro %}{{ m(1, 2) }}")).message.contains("takes not more than 1"))
        #expect(try #require(failure("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}")).message.contains("nest too deeply"))
        let deep = String(repeating: "(", count: 300) + "1" + String(repeating: ")", count: 300)
        #expect(try #require(failure("{{ \(deep) }}")).message == "nesting too deep")
        let ifs = String(repeating: "{% if true %}", count: 300) + String(repeating: "{% endif %}", count: 300)
        #expect(try #require(failure(ifs)).message == "nesting too deep")
        #expect(try #require(failure("{{ " + String(repeating: "not ", count: 300) + "1 }}")).message == "nesting too deep")
    }

    @Test("filters that give Python generators behave as generators (outputs recorded from Jinja2 3.1.6)")
    func generators() throws {
        let messages = [ChatMessage(role: "user", content: "a")]
        func render(_ source: String) throws -> String {
            try ChatTemplate(source: source).render(messages: messages, addGenerationPrompt: false)
        }
        // A generator is true even when it would yield nothing.
        #expect(try render("{% if messages|selectattr('role','equalto','system') %}T{% else %}F{% endif %}") == "T")
        #expect(try render("{{ [3,1]|reverse|reverse }}|{{ {'a':1}|items|first }}|{{ (messages|map(attribute='role')|list)[0] }}")
                == "[3, 1]|('a', 1)|user")
        #expect(try #require(failure("{{ messages|selectattr('role','equalto','user')|length }}")).message
                == "filter \"length\": object of type 'generator' has no len()")
        #expect(try #require(failure("{{ [1,2]|reverse|last }}")).message.contains("not reversible"))
        #expect(try #require(failure("{{ [1,2]|map('string') }}")).message.hasPrefix("unsupported: printing a generator"))
        #expect(try #require(failure("{{ 'x' ~ [1]|map('string') }}")).message.hasPrefix("unsupported: printing a generator"))
    }

    @Test("Python values print as Python prints them")
    func pythonOutput() throws {
        let template = try ChatTemplate(source: "{{ [1, 'a', none, true, 2.5, 1e20, {'k': (1,)}, nothing] }}|{{ none }}|{{ nothing }}|{{ 1/3 }}")
        #expect(try template.render(messages: [], addGenerationPrompt: false)
                == "[1, 'a', None, True, 2.5, 1e+20, {'k': (1,)}, Undefined]|None||0.3333333333333333")
    }

    // MARK: model directories

    private func directory(_ files: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("chat-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files {
            let file = url.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        }
        return url
    }

    @Test("loads a string template with AddedToken special tokens")
    func loadsConfig() throws {
        let dir = try directory(["tokenizer_config.json": """
            {"chat_template": "{{ bos_token }}{% for m in messages %}[{{ m.role }}]{{ m.content }}{{ eos_token }}{% endfor %}{% if add_generation_prompt %}[assistant]{% endif %}",
             "bos_token": {"content": "<s>", "lstrip": false, "__type": "AddedToken"}, "eos_token": "</s>"}
            """])
        defer { try? FileManager.default.removeItem(at: dir) }
        let format = try ChatFormat.load(directory: dir)
        #expect(format.specialTokens == ["bos_token": "<s>", "eos_token": "</s>"])
        #expect(try format.render([ChatMessage(role: "user", content: "hi")]) == "<s>[user]hi</s>[assistant]")
        #expect(try format.render([ChatMessage(role: "user", content: "hi")], addGenerationPrompt: false) == "<s>[user]hi</s>")
    }

    @Test("chat_template.jinja wins; named templates; special_tokens_map.json fills gaps")
    func loadsFiles() throws {
        let dir = try directory([
            "tokenizer_config.json": #"{"chat_template": [{"name": "default", "template": "D{{ eos_token }}"}, {"name": "tool_use", "template": "T"}]}"#,
            "special_tokens_map.json": #"{"eos_token": {"content": "<eos>"}}"#,
            "additional_chat_templates/extra.jinja": "E\n",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try ChatFormat.load(directory: dir).render([]) == "D<eos>")
        #expect(try ChatFormat.load(directory: dir, name: "tool_use").render([]) == "T")
        #expect(try ChatFormat.load(directory: dir, name: "extra").render([]) == "E")
        try Data("J{{ messages | length }}".utf8).write(to: dir.appendingPathComponent("chat_template.jinja"))
        let format = try ChatFormat.load(directory: dir)
        #expect(format.template.file == "chat_template.jinja")
        #expect(try format.render([ChatMessage(role: "user", content: "x")]) == "J1")
    }

    @Test("malformed model directories", arguments: [
        (["tokenizer_config.json": "{}"], "tokenizer_config.json: ", "has no chat template"),
        (["tokenizer_config.json": "{\"chat_template\": 5}"], "tokenizer_config.json: ", "chat_template: expected a string or a list"),
        (["tokenizer_config.json": #"{"chat_template": [{"name": "a", "template": "x"}]}"#], "tokenizer_config.json: ", "none named \"default\""),
        (["tokenizer_config.json": #"{"chat_template": [{"name": "default"}]}"#], "tokenizer_config.json: ", "chat_template[0]: expected"),
        (["tokenizer_config.json": "{\"chat_template\": \"x\", "], "tokenizer_config.json: ", "not valid JSON"),
        (["tokenizer_config.json": "[1]"], "tokenizer_config.json: ", "expected a JSON object"),
        (["tokenizer_config.json": #"{"chat_template": "x", "bos_token": 3}"#], "tokenizer_config.json: ", "bos_token: expected a string"),
        (["chat_template.jinja": "ok\n{% for m in messages %}"], "chat_template.jinja: chat template line 2: ", "never closed"),
    ])
    func malformedDirectory(files: [String: String], prefix: String, fragment: String) throws {
        let dir = try directory(files)
        defer { try? FileManager.default.removeItem(at: dir) }
        let error = #expect(throws: ChatTemplateError.self) { _ = try ChatFormat.load(directory: dir) }
        let text = error?.description ?? ""
        #expect(text.hasPrefix(prefix), "\(text)")
        #expect(text.contains(fragment), "\(text)")
        #expect(!text.contains("\n"))
    }

    @Test("a name the model does not have")
    func unknownName() throws {
        let dir = try directory(["tokenizer_config.json": #"{"chat_template": "x"}"#])
        defer { try? FileManager.default.removeItem(at: dir) }
        let error = #expect(throws: ChatTemplateError.self) { _ = try ChatFormat.load(directory: dir, name: "tool_use") }
        #expect(error?.message.contains("no chat template named \"tool_use\"") == true)
    }
}
