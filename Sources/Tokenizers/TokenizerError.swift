import Foundation

/// A problem found while loading a tokenizer. Its description is one line that names the file
/// and the component or field, e.g. `tokenizer.json: unsupported pre_tokenizer type "Foo"`.
public struct TokenizerError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file the problem is in (`tokenizer.json`, `tokenizer_config.json`, …).
    public let file: String
    /// What is wrong, naming the JSON path of the offending field.
    public let message: String

    public init(file: String, _ message: String) {
        self.file = file
        self.message = message
    }

    public var description: String { "\(file): \(message)" }
}
