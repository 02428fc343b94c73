import Foundation

/// One turn of a prompt file's `messages` conversation.
public struct PromptMessage: Sendable, Equatable {
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }

    /// The roles chat templates know.
    public static let roles: Set<String> = ["system", "user", "assistant", "tool", "developer"]
}

/// One prompt of a prompt file.
public struct LabeledPrompt: Sendable, Equatable {
    /// The prompt text; "" for a `messages` line until a chat template renders it.
    public var prompt: String
    /// The conversation of a `messages` line, nil for a `prompt` line.
    public var messages: [PromptMessage]?
    /// 1 (triggered, true), 0 (clean, false) or -1 (unlabelled: the line has no label).
    public var label: Int32
    /// "" when the line has no group.
    public var group: String
    /// The line's other fields as a JSON object string ("{}" when none), keys sorted.
    public var extra: String
    /// The prompt pre-tokenized (`token_ids`), nil when the line gives none.
    public var tokenIDs: [Int]?

    public init(prompt: String, label: Int32 = -1, group: String = "", extra: String = "{}", tokenIDs: [Int]? = nil,
                messages: [PromptMessage]? = nil) {
        self.prompt = prompt
        self.messages = messages
        self.label = label
        self.group = group
        self.extra = extra
        self.tokenIDs = tokenIDs
    }
}

/// The old spelling; the project writes "labeled" (as in `LabeledActivations`).
@available(*, deprecated, renamed: "LabeledPrompt")
public typealias LabelledPrompt = LabeledPrompt

/// A malformed prompt file, as one line naming the file (and line number when there is one).
public enum PromptSetError: Error, CustomStringConvertible, Equatable, Sendable {
    case unreadable(file: String, reason: String)
    case emptyFile(file: String)
    case invalidLine(file: String, line: Int, problem: String)
    /// A file read more than once (streamed) whose bytes differ between the passes.
    case changed(file: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason): return "\(file): \(reason)"
        case let .emptyFile(file): return "\(file): empty file"
        case let .invalidLine(file, line, problem): return "\(file):\(line): \(problem)"
        case let .changed(file): return "\(file): the file changed while it was being read; run again on the finished file"
        }
    }
}

/// A JSON Lines prompt file: one object per line with `prompt` or `messages` (a non-empty list
/// of `{"role", "content"}` for a chat template to render), `label` (a bool, or 1, 0 or -1 as
/// the activations schema stores it), `group` (non-empty string) and `token_ids` (non-empty
/// array of non-negative integers, for prompts given pre-tokenized); lines end in LF or CRLF,
/// blank lines are skipped; other fields travel as `extra`. With `labelNamesGroup`, a string
/// `label` names the group when `group` is absent (the experiments' prompt files write
/// `"label": "pair-3"`).
public struct PromptSet: Sendable, Equatable {
    public let name: String
    public let records: [LabeledPrompt]
    /// The 1-based line of each record in the file (blank lines are skipped, so not `i + 1`).
    public let lines: [Int]
    /// SHA-256 of the file's bytes (lower-case hex), stored as `prompt_file_sha256`.
    public let sha256: String

    /// Reads and parses `path`.
    public init(path: String, labelNamesGroup: Bool = false) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PromptSetError.unreadable(file: path, reason: "cannot read file")
        }
        try self.init(data: data, name: path, labelNamesGroup: labelNamesGroup)
    }

    /// Parses prompt-file bytes; `name` is used in errors.
    public init(data: Data, name: String, labelNamesGroup: Bool = false) throws {
        self.name = name
        sha256 = SHA256.hex(data)
        let lines: [JSONLines.Line]
        do {
            lines = try JSONLines.lines(data, file: name)
        } catch let error as FormatError {
            throw PromptSetError.invalidLine(file: name, line: error.line ?? 0, problem: error.problem)
        }
        var records: [LabeledPrompt] = []
        var lineNumbers: [Int] = []
        let decoder = JSONDecoder()
        for line in lines {
            records.append(try Self.record(line, file: name, labelNamesGroup: labelNamesGroup, decoder: decoder))
            lineNumbers.append(line.number)
        }
        guard !records.isEmpty else { throw PromptSetError.emptyFile(file: name) }
        self.records = records
        self.lines = lineNumbers
    }

    /// Parses one non-blank line of a prompt file (what `init` does per line, and
    /// `PromptFileSource` while streaming).
    static func record(_ line: JSONLines.Line, file: String, labelNamesGroup: Bool,
                       decoder: JSONDecoder = JSONDecoder()) throws -> LabeledPrompt {
        let value: JSONValue
        do {
            value = try decoder.decode(JSONValue.self, from: Data(line.text.trimmingCharacters(in: .whitespaces).utf8))
        } catch {
            throw PromptSetError.invalidLine(file: file, line: line.number, problem: "not valid JSON")
        }
        return try record(from: value, file: file, line: line.number, labelNamesGroup: labelNamesGroup)
    }

    private static func record(from value: JSONValue, file: String, line: Int, labelNamesGroup: Bool) throws -> LabeledPrompt {
        guard case .object(var fields) = value else {
            throw PromptSetError.invalidLine(file: file, line: line, problem: "not a JSON object")
        }
        let promptValue = fields.removeValue(forKey: "prompt")
        let messagesValue = fields.removeValue(forKey: "messages")
        var prompt = ""
        var messages: [PromptMessage]?
        switch (promptValue, messagesValue) {
        case (nil, nil):
            throw PromptSetError.invalidLine(file: file, line: line, problem: "missing \"prompt\" (or \"messages\")")
        case (.some, .some):
            throw PromptSetError.invalidLine(file: file, line: line, problem: "give \"prompt\" or \"messages\", not both")
        case (.string(let text)?, nil):
            prompt = text
        case (.some, nil):
            throw PromptSetError.invalidLine(file: file, line: line, problem: "\"prompt\" must be a string")
        case (nil, let value?):
            messages = try conversation(value, file: file, line: line)
        }
        var label: Int32 = -1
        var labelName: String?
        switch fields.removeValue(forKey: "label") {
        case nil, .null?: break
        case .bool(let b)?: label = b ? 1 : 0
        case .int(let i)? where (-1...1).contains(i): label = Int32(i)
        case .string(let s)? where labelNamesGroup: labelName = s
        default:
            let expected = labelNamesGroup ? "a bool, 1, 0, -1 or a string" : "a bool, 1, 0 or -1"
            throw PromptSetError.invalidLine(file: file, line: line, problem: "\"label\" must be \(expected)")
        }
        var group = ""
        switch fields.removeValue(forKey: "group") {
        case nil, .null?: break
        case .string(let s)? where !s.isEmpty: group = s
        case .string?: throw PromptSetError.invalidLine(file: file, line: line, problem: "\"group\" must not be empty")
        default: throw PromptSetError.invalidLine(file: file, line: line, problem: "\"group\" must be a string")
        }
        if group.isEmpty, let labelName { group = labelName }
        var tokenIDs: [Int]?
        switch fields.removeValue(forKey: "token_ids") {
        case nil, .null?: break
        case .array(let values)? where !values.isEmpty:
            tokenIDs = try values.map { value in
                guard case .int(let id) = value, id >= 0 else {
                    throw PromptSetError.invalidLine(file: file, line: line, problem: "\"token_ids\" must hold non-negative integers")
                }
                return id
            }
        default:
            throw PromptSetError.invalidLine(file: file, line: line, problem: "\"token_ids\" must be a non-empty array of integers")
        }
        return LabeledPrompt(prompt: prompt, label: label, group: group, extra: try extraJSON(fields), tokenIDs: tokenIDs,
                             messages: messages)
    }

    /// A `messages` value: a non-empty list of `{"role": known role, "content": string}`.
    private static func conversation(_ value: JSONValue, file: String, line: Int) throws -> [PromptMessage] {
        func fail(_ problem: String) -> PromptSetError { .invalidLine(file: file, line: line, problem: problem) }
        guard case .array(let items) = value, !items.isEmpty else {
            throw fail("\"messages\" must be a non-empty list of {\"role\", \"content\"}")
        }
        return try items.enumerated().map { i, item in
            guard case .object(let message) = item else { throw fail("messages[\(i)] must be an object") }
            guard case .string(let role)? = message["role"] else { throw fail("messages[\(i)].role must be a string") }
            guard PromptMessage.roles.contains(role) else {
                throw fail("messages[\(i)].role \"\(role)\" is not one of \(PromptMessage.roles.sorted().joined(separator: ", "))")
            }
            guard case .string(let content)? = message["content"] else { throw fail("messages[\(i)].content must be a string") }
            return PromptMessage(role: role, content: content)
        }
    }

    private static func extraJSON(_ fields: [String: JSONValue]) throws -> String {
        if fields.isEmpty { return "{}" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(fields), as: UTF8.self)
    }

    public var count: Int { records.count }
    public var texts: [String] { records.map(\.prompt) }
    public var labels: [Int32] { records.map(\.label) }
    public var groups: [String] { records.map(\.group) }
    public var extras: [String] { records.map(\.extra) }
}
