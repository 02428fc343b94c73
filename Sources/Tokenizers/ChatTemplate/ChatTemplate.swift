import Foundation

/// One turn of a conversation: `{"role": "user", "content": "…"}`.
public struct ChatMessage: Sendable, Equatable, Codable {
    /// `system`, `user`, `assistant` (templates may accept others, e.g. `tool`).
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

/// A Hugging Face chat template (Jinja), rendered as transformers' `apply_chat_template` renders
/// it: Jinja2's sandbox with `trim_blocks` and `lstrip_blocks`, `raise_exception`,
/// `strftime_now` and a `tojson` that is Python's `json.dumps`. Features outside the supported
/// subset fail with a `ChatTemplateError` naming the template line; they never render wrongly.
public struct ChatTemplate: @unchecked Sendable {
    // @unchecked: the parsed tree is never mutated after init; the reference types inside
    // (namespaces, functions) only exist while one render runs.
    private let nodes: [TemplateNode]
    /// The template text.
    public let source: String
    /// Where the template came from, for error messages.
    public let file: String

    /// Parses `source`; a syntax error or an unsupported tag throws a `ChatTemplateError`.
    public init(source: String, file: String = "chat template") throws {
        self.source = source
        self.file = file
        do {
            nodes = try TemplateParser.parse(source)
        } catch let failure as TemplateFailure {
            throw ChatTemplateError(file: file, line: failure.line, failure.message)
        }
    }

    /// Renders a conversation. `specialTokens` are the tokenizer's special-token strings by
    /// name (`bos_token`, `eos_token`, …), as transformers passes them; `now` is what
    /// `strftime_now` formats.
    public func render(messages: [ChatMessage], addGenerationPrompt: Bool, specialTokens: [String: String] = [:],
                       now: Date = Date()) throws -> String {
        var variables: [String: TemplateValue] = [:]
        for (name, text) in specialTokens { variables[name] = .string(text) }
        variables["messages"] = .list(messages.map { m in
            .dict(TemplateDict([(.string("role"), .string(m.role)), (.string("content"), .string(m.content))]))
        })
        variables["add_generation_prompt"] = .bool(addGenerationPrompt)
        variables["tools"] = TemplateValue.none
        variables["documents"] = TemplateValue.none
        return try render(variables: variables, now: now, utc: false)
    }

    /// Renders with the given top-level variables (tests pass whole JSON contexts); `utc` makes
    /// `strftime_now` format `now` in UTC instead of local time.
    func render(variables: [String: TemplateValue], now: Date, utc: Bool) throws -> String {
        do {
            return try TemplateRenderer(globals: Self.globals(now: now, utc: utc)).render(nodes, variables: variables)
        } catch let failure as TemplateFailure {
            throw ChatTemplateError(file: file, line: failure.line, failure.message)
        }
    }

    /// Jinja2's default globals that templates use, and the two transformers adds.
    private static func globals(now: Date, utc: Bool) -> [String: TemplateValue] {
        [
            "raise_exception": .function(TemplateFunction("raise_exception") { call in
                throw TemplateFailure(call.line, call.positional.first?.pythonString ?? "raise_exception() called")
            }),
            "strftime_now": .function(TemplateFunction("strftime_now") { call in
                try call.expect(["format"])
                guard let format = try call.string(0, "format") else { throw call.failure("expects a format string") }
                return .string(try strftime(format, now, utc: utc, call))
            }),
            "range": .function(TemplateFunction("range") { call in
                try call.expect(["start", "stop", "step"])
                let ints = try call.positional.enumerated().map { i, v -> Int in
                    guard let n = v.integer else { throw call.failure("argument \(i + 1) must be an integer, not \(v.typeName)") }
                    return n
                }
                guard !ints.isEmpty else { throw call.failure("expected at least 1 argument") }
                let (start, stop) = ints.count == 1 ? (0, ints[0]) : (ints[0], ints[1])
                let step = ints.count > 2 ? ints[2] : 1
                guard step != 0 else { throw call.failure("step must not be zero") }
                let count = step > 0 ? max(0, (stop - start + step - 1) / step) : max(0, (start - stop - step - 1) / -step)
                // Jinja2's sandbox caps range() at 100000 items.
                guard count <= 100_000 else { throw call.failure("range too big") }
                return .list((0..<count).map { .int(start + $0 * step) })
            }),
            "namespace": .function(TemplateFunction("namespace") { call in
                var values = TemplateDict()
                for v in call.positional {
                    guard case .dict(let d) = v else { throw call.failure("positional arguments must be mappings") }
                    for pair in d.pairs { values[pair.key] = pair.value }
                }
                for (k, v) in call.keyword { values[.string(k)] = v }
                // transformers refuses underscore names, which could reach Python internals.
                for pair in values.pairs {
                    if case .string(let name) = pair.key, name.hasPrefix("_") {
                        throw call.failure("cannot store underscore-prefixed attribute \(pythonStringRepr(name)) on a namespace")
                    }
                }
                return .namespace(TemplateNamespace(values))
            }),
            "dict": .function(TemplateFunction("dict") { call in
                var values = TemplateDict()
                for v in call.positional {
                    guard case .dict(let d) = v else { throw call.failure("positional arguments must be mappings") }
                    for pair in d.pairs { values[pair.key] = pair.value }
                }
                for (k, v) in call.keyword { values[.string(k)] = v }
                return .dict(values)
            }),
        ]
    }
}

/// C's `strftime` on local time, which Python's `datetime.strftime` delegates to.
private func strftime(_ format: String, _ date: Date, utc: Bool, _ call: TemplateCall) throws -> String {
    var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
    var parts = tm()
    guard (utc ? gmtime_r(&seconds, &parts) : localtime_r(&seconds, &parts)) != nil else { throw call.failure("cannot convert the time") }
    var buffer = [Int8](repeating: 0, count: 512)
    let count = strftime(&buffer, buffer.count, format, &parts)
    guard count > 0 || format.isEmpty else { throw call.failure("format too long or invalid") }
    return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
