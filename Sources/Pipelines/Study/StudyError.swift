/// A study that cannot start or continue, in one line naming the file or field.
public struct StudyError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
