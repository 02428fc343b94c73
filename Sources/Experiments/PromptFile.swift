import Foundation
import ModelFiles

/// One line of a prompt file (JSONL): `prompt` (text), and optionally `group`, `label`
/// (0/1 or a string), and `token_ids` (when the prompt is given pre-tokenized).
public struct PromptRecord: Sendable, Equatable {
    public var prompt: String
    public var group: String?
    public var label: Int?
    public var tokenIDs: [Int]?

    /// The group a record belongs to: its `group`, else its label (1 → "triggered", 0 → "clean").
    public var effectiveGroup: String? {
        if let group { return group }
        switch label {
        case 1: return "triggered"
        case 0: return "clean"
        default: return nil
        }
    }
}

/// Reads prompt files (JSONL) for experiments.
public enum PromptFile {
    /// Parses JSONL; blank lines are skipped. Every error names the file, the line and the field.
    public static func parse(_ data: Data, path: String) throws -> [PromptRecord] {
        var records: [PromptRecord] = []
        let text = String(decoding: data, as: UTF8.self)
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            let location = "\(path):\(index + 1)"
            guard let object = JSONValue.parse(Data(trimmed.utf8))?.objectValue else {
                throw ExperimentError("\(location): not a JSON object")
            }
            guard let prompt = object["prompt"]?.stringValue else {
                throw ExperimentError("\(location): missing string field \"prompt\"")
            }
            var record = PromptRecord(prompt: prompt)
            if let g = object["group"], g != .null {
                guard let s = g.stringValue, !s.isEmpty else { throw ExperimentError("\(location): field \"group\" must be a non-empty string") }
                record.group = s
            }
            if let l = object["label"], l != .null {
                if let i = l.intValue { record.label = i }
                else if let b = l.boolValue { record.label = b ? 1 : 0 }
                else if let s = l.stringValue {
                    // A string label names the group when there is no `group` field.
                    if record.group == nil { record.group = s }
                } else {
                    throw ExperimentError("\(location): field \"label\" must be an integer, boolean or string")
                }
            }
            if let ids = object["token_ids"], ids != .null {
                guard let array = ids.arrayValue, !array.isEmpty else {
                    throw ExperimentError("\(location): field \"token_ids\" must be a non-empty array of integers")
                }
                record.tokenIDs = try array.map { v in
                    guard let i = v.intValue, i >= 0 else {
                        throw ExperimentError("\(location): field \"token_ids\" must hold non-negative integers")
                    }
                    return i
                }
            }
            records.append(record)
        }
        guard !records.isEmpty else { throw ExperimentError("\(path): no prompts") }
        return records
    }

    /// Reads and parses the JSONL file at `url`.
    public static func load(_ url: URL) throws -> [PromptRecord] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ExperimentError("\(url.path): cannot read (missing or unreadable)")
        }
        return try parse(data, path: url.path)
    }
}

extension PromptRecord {
    init(prompt: String) { self.init(prompt: prompt, group: nil, label: nil, tokenIDs: nil) }
}

/// Applies a dialogue template: `{prompt}` is replaced by the prompt. Escaped `\n` in templates
/// given on the command line are the caller's to unescape.
public func applyTemplate(_ template: String?, to prompt: String) -> String {
    guard let template else { return prompt }
    return template.replacingOccurrences(of: "{prompt}", with: prompt)
}
