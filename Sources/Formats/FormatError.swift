/// A file in one of the project's formats that cannot be read. `description` is one line naming
/// the file (with the line number for line-based files, or the field for JSON documents) and the
/// problem, so a command can print it as it is.
public struct FormatError: Error, CustomStringConvertible, Sendable, Equatable {
    public let file: String
    /// The 1-based line of a JSON Lines file; nil for whole-file problems.
    public let line: Int?
    /// The JSON field (`direction`, `training_file.sha256`, `[3]`); nil when not about one field.
    public let field: String?
    public let problem: String

    public init(file: String, line: Int? = nil, field: String? = nil, _ problem: String) {
        self.file = file
        self.line = line
        self.field = field
        self.problem = problem
    }

    public var description: String {
        let place = line.map { "\(file):\($0)" } ?? file
        return field.map { "\(place): \($0): \(problem)" } ?? "\(place): \(problem)"
    }
}
