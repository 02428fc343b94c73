/// A problem with a file a model directory holds. `description` is one line that names the file
/// and what is wrong with it, so the CLI can print it as it is.
public struct ModelFileError: Error, CustomStringConvertible, Sendable, Equatable {
    public let file: String
    public let message: String

    public init(file: String, _ message: String) {
        self.file = file
        self.message = message
    }

    public var description: String { "\(file): \(message)" }
}
