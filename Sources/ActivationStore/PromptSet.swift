import Foundation
import ModelFiles

/// One prompt of a prompt file.
public struct LabelledPrompt: Sendable, Equatable {
    public var prompt: String
    /// 1/0 for true/false or the integer given; -1 when the line has no label.
    public var label: Int32
    /// "" when the line has no group.
    public var group: String
    /// The line's other fields as a JSON object string ("{}" when none), keys sorted.
    public var extra: String
    /// The prompt pre-tokenized (`token_ids`), nil when the line gives none.
    public var tokenIDs: [Int]?

    public init(prompt: String, label: Int32 = -1, group: String = "", extra: String = "{}", tokenIDs: [Int]? = nil) {
        self.prompt = prompt
        self.label = label
        self.group = group
        self.extra = extra
        self.tokenIDs = tokenIDs
    }
}

/// A malformed prompt file, as one line naming the file (and line number when there is one).
public enum PromptSetError: Error, CustomStringConvertible, Equatable, Sendable {
    case unreadable(file: String, reason: String)
    case emptyFile(file: String)
    case invalidLine(file: String, line: Int, problem: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason): return "\(file): \(reason)"
        case let .emptyFile(file): return "\(file): empty file"
        case let .invalidLine(file, line, problem): return "\(file):\(line): \(problem)"
        }
    }
}

/// A JSON Lines prompt file: one object per line with `prompt` (required), `label` (bool or
/// integer), `group` (non-empty string) and `token_ids` (non-empty array of non-negative
/// integers, for prompts given pre-tokenized); blank lines are skipped; other fields travel as
/// `extra`. With `labelNamesGroup`, a string `label` names the group when `group` is absent
/// (the experiments' prompt files write `"label": "pair-3"`).
public struct PromptSet: Sendable, Equatable {
    public let name: String
    public let records: [LabelledPrompt]
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
        guard let text = String(data: data, encoding: .utf8) else {
            throw PromptSetError.unreadable(file: name, reason: "not valid UTF-8")
        }
        var records: [LabelledPrompt] = []
        var lineNumbers: [Int] = []
        let decoder = JSONDecoder()
        // "\r\n" is one Character in Swift, so CRLF files need it named as a separator too.
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        for (index, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            let number = index + 1
            let value: JSONValue
            do {
                value = try decoder.decode(JSONValue.self, from: Data(trimmed.utf8))
            } catch {
                throw PromptSetError.invalidLine(file: name, line: number, problem: "not valid JSON")
            }
            records.append(try Self.record(from: value, file: name, line: number, labelNamesGroup: labelNamesGroup))
            lineNumbers.append(number)
        }
        guard !records.isEmpty else { throw PromptSetError.emptyFile(file: name) }
        self.records = records
        self.lines = lineNumbers
    }

    private static func record(from value: JSONValue, file: String, line: Int, labelNamesGroup: Bool) throws -> LabelledPrompt {
        guard case .object(var fields) = value else {
            throw PromptSetError.invalidLine(file: file, line: line, problem: "not a JSON object")
        }
        guard let promptValue = fields.removeValue(forKey: "prompt") else {
            throw PromptSetError.invalidLine(file: file, line: line, problem: "missing \"prompt\"")
        }
        guard case .string(let prompt) = promptValue else {
            throw PromptSetError.invalidLine(file: file, line: line, problem: "\"prompt\" must be a string")
        }
        var label: Int32 = -1
        var labelName: String?
        switch fields.removeValue(forKey: "label") {
        case nil, .null?: break
        case .bool(let b)?: label = b ? 1 : 0
        case .int(let i)? where i >= Int(Int32.min) && i <= Int(Int32.max): label = Int32(i)
        case .string(let s)? where labelNamesGroup: labelName = s
        default:
            let expected = labelNamesGroup ? "a bool, an integer or a string" : "a bool or an integer"
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
        return LabelledPrompt(prompt: prompt, label: label, group: group, extra: try extraJSON(fields), tokenIDs: tokenIDs)
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
