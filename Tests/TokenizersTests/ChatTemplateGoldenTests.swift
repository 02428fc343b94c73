import Foundation
import Testing

@testable import Tokenizers

/// Chat templates against Jinja2 itself: `scripts/reference/chat_templates/make_fixtures.py`
/// renders each template in `Tests/Fixtures/chat_templates` through transformers'
/// `render_jinja_template`; the Swift renderer must give the same bytes, or fail where Jinja2 fails.
@Suite("Chat template goldens")
struct ChatTemplateGoldenTests {
    /// `Tests/Fixtures/chat_templates`, found from this file's path (CI has no Python; the goldens are committed).
    static let directory: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            let candidate = url.appendingPathComponent("Fixtures/chat_templates")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            url.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/chat_templates")
    }()

    /// The fixtures' `strftime_now` clock, 2024-07-26 15:04:05, formatted in UTC.
    static let now = Date(timeIntervalSince1970: 1_722_006_245)

    static let templateNames: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".json") && $0 != "malformed.json" }.map { String($0.dropLast(5)) }.sorted()
    }()

    static func fixture(_ name: String) throws -> JSONValue {
        let file = "\(name).json"
        return try JSONValue.parse(try Data(contentsOf: directory.appendingPathComponent(file)), file: file)
    }

    @Test("every family style and feature group has goldens")
    func coverage() {
        for name in ["llama2", "llama3", "mistral", "chatml", "zephyr", "phi3", "gemma",
                     "filters", "tests", "loops", "macros", "expressions", "whitespace", "dates", "tools"] {
            #expect(Self.templateNames.contains(name), "missing fixture \(name).json")
        }
    }

    @Test("renders byte for byte as Jinja2", arguments: templateNames)
    func golden(name: String) throws {
        let root = try Self.fixture(name)
        let source = try #require(root["source"]?.string)
        let template = try ChatTemplate(source: source, file: "\(name).jinja")
        let cases = try #require(root["cases"]?.array)
        #expect(cases.count >= 20)
        for c in cases {
            let label = "\(name) \(c["conversation"]?.string ?? "?") add_generation_prompt=\(c["add_generation_prompt"]?.bool ?? false)"
            var variables: [String: TemplateValue] = [:]
            for member in c["variables"]?.members ?? [] { variables[member.key] = TemplateValue(json: member.value) }
            if let expected = c["expected"]?.string {
                let got = try template.render(variables: variables, now: Self.now, utc: true)
                // Compared as scalars: Swift's String == would equate canonically equivalent text.
                #expect(Array(got.unicodeScalars) == Array(expected.unicodeScalars), "\(label)")
            } else {
                let pythonError = try #require(c["error"]?.string)
                let error = #expect(throws: ChatTemplateError.self, "\(label)") {
                    try template.render(variables: variables, now: Self.now, utc: true)
                }
                // raise_exception's message travels unchanged, with the template line it was raised on.
                if pythonError.hasPrefix("TemplateError: "), let error {
                    #expect(error.message == String(pythonError.dropFirst("TemplateError: ".count)), "\(label)")
                    #expect(error.line != nil)
                }
            }
        }
    }

    /// Line endings and whitespace rules a .jinja file cannot easily hold; outputs recorded from Jinja2 3.1.6.
    @Test("line endings and whitespace control", arguments: [
        ("a\r\n  {% if true %}\r\n  x\r\n  {% endif %}\r\nb\r\n", "a\n  x\nb"),
        ("a\n\n", "a\n"),
        ("{{ 'x' }}\n{# c #}\n  {# d #}  \ny", "x\n  \ny"),
        ("{% if true %}  \nz{% endif %}", "  \nz"),
        ("  {%- if true %}a{% endif %}", "a"),
        ("\t{% if true %}\n\tx\n\t{%+ endif %}|", "\tx\n\t|"),
        ("{% if true +%}\nkeep{% endif -%}\n\n  end", "\nkeepend"),
    ])
    func whitespace(source: String, expected: String) throws {
        let got = try ChatTemplate(source: source).render(messages: [], addGenerationPrompt: false)
        #expect(Array(got.unicodeScalars) == Array(expected.unicodeScalars))
    }

    @Test("templates Jinja2 rejects fail with one line naming the template line")
    func malformed() throws {
        let file = "malformed.json"
        let entries = try #require(try JSONValue.parse(try Data(contentsOf: Self.directory.appendingPathComponent(file)), file: file).array)
        #expect(entries.count >= 10)
        for entry in entries {
            let name = entry["name"]?.string ?? "?"
            let source = try #require(entry["source"]?.string)
            let lineCount = source.split(separator: "\n", omittingEmptySubsequences: false).count
            let error = #expect(throws: ChatTemplateError.self, "\(name)") {
                let template = try ChatTemplate(source: source, file: "bad.jinja")
                _ = try template.render(messages: [ChatMessage(role: "user", content: "x")], addGenerationPrompt: false)
            }
            guard let error else { continue }
            #expect(!error.description.contains("\n"), "\(name): \(error)")
            #expect(error.description.hasPrefix("bad.jinja: chat template line "), "\(name): \(error)")
            let line = try #require(error.line, "\(name)")
            #expect((1...lineCount).contains(line), "\(name): line \(line) of \(lineCount)")
            // Where Jinja2 names the line of a syntax error, the renderer names the same one.
            if let pythonLine = entry["line"]?.int, !["unclosed_if", "unclosed_for", "unclosed_variable"].contains(name) {
                #expect(line == pythonLine, "\(name): \(error)")
            }
        }
    }
}
