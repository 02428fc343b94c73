import Formats
import Foundation

extension LabeledPrompt {
    /// The group a prompt belongs to: its `group`, else its label (1 → "triggered", 0 → "clean").
    public var effectiveGroup: String? {
        if !group.isEmpty { return group }
        switch label {
        case 1: return "triggered"
        case 0: return "clean"
        default: return nil
        }
    }
}

/// Reads prompt files (JSONL) for experiments with the one prompt-file parser, `Formats.PromptSet`: a string
/// `label` names the group, and `token_ids` gives a prompt pre-tokenized.
public enum PromptFile {
    /// Parses JSONL; blank lines are skipped. Every error names the file, the line and the field.
    public static func parse(_ data: Data, path: String) throws -> [LabeledPrompt] {
        try experimentError { try PromptSet(data: data, name: path, labelNamesGroup: true).records }
    }

    /// Reads and parses the JSONL file at `url`.
    public static func load(_ url: URL) throws -> [LabeledPrompt] {
        try experimentError { try PromptSet(path: url.path, labelNamesGroup: true).records }
    }

    private static func experimentError<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as PromptSetError { throw ExperimentError(error.description) }
    }
}

/// Applies a dialogue template: `{prompt}` is replaced by the prompt. Escaped `\n` in templates
/// given on the command line are the caller's to unescape.
public func applyTemplate(_ template: String?, to prompt: String) -> String {
    guard let template else { return prompt }
    return template.replacingOccurrences(of: "{prompt}", with: prompt)
}
