/// A problem with an intervention's inputs: a direction of the wrong width, a probe fitted on
/// another model, a layer the model does not have. `description` is one line that names the
/// file (or flag) and the problem, so the CLI can print it as it is.
public struct InterventionError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file or flag the problem is in (e.g. "Probes/x.probe.json" or "--layers").
    public let source: String
    public let message: String

    public init(_ source: String, _ message: String) {
        self.source = source
        self.message = message
    }

    public var description: String { "\(source): \(message)" }
}
