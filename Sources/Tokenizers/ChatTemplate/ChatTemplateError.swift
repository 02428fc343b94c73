import Foundation

/// A chat template that cannot be rendered, as one line naming the file, the template line and
/// the reason: `tokenizer_config.json: chat template line 3: unknown filter "wordwrap"`.
/// `raise_exception("…")` in a template arrives here with its message as the reason.
public struct ChatTemplateError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file the template came from (`tokenizer_config.json`, `chat_template.jinja`, …).
    public var file: String
    /// The 1-based line of the template, or nil when the problem is not at one line.
    public var line: Int?
    /// What is wrong.
    public var message: String

    public init(file: String, line: Int?, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        // A template's own raise_exception text may span lines; the error stays one line.
        let reason = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        if let line { return "\(file): chat template line \(line): \(reason)" }
        return "\(file): \(reason)"
    }
}

/// A problem found while lexing, parsing or rendering, before the file name is known.
struct TemplateFailure: Error {
    let line: Int
    let message: String

    init(_ line: Int, _ message: String) {
        self.line = line
        self.message = message
    }
}
