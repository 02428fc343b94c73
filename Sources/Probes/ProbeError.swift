/// Everything that can go wrong fitting, scoring or reading probes. Each description is one line
/// that names the data source (file or in-memory name) and the field or problem.
public enum ProbeError: Error, CustomStringConvertible, Equatable, Sendable {
    /// `rows` is not a 2-D (n, d_model) tensor.
    case notAMatrix(source: String, shape: [Int])
    /// A per-row array (labels, groups) has the wrong length.
    case lengthMismatch(source: String, field: String, expected: Int, got: Int)
    /// A label other than -1 (unlabelled), 0 or 1.
    case invalidLabel(source: String, row: Int, value: Int32)
    /// No row carries a 0/1 label.
    case noLabels(source: String)
    /// Every labelled row has the same class.
    case singleClass(source: String, label: Int32)
    /// A NaN or infinite activation.
    case nonFinite(source: String, row: Int, column: Int)
    /// Data whose width is not the probe's d_model.
    case dimensionMismatch(source: String, expected: Int, got: Int)
    /// A probe fitted at one hook applied to activations from another.
    case hookMismatch(source: String, probeHook: String, dataHook: String)
    /// The data has no activations for the hook a probe or command asks for.
    case hookMissing(source: String, hook: String, available: [String])
    /// K-fold CV needs at least K groups holding each class.
    case tooFewForFolds(source: String, label: Int32, groups: Int, folds: Int)
    /// Fewer rows than a method needs (e.g. PCA with k > rows).
    case tooFewRows(source: String, needed: Int, got: Int, reason: String)
    /// An option outside its domain.
    case invalidOption(name: String, value: String, reason: String)
    /// Paired PCA found no group holding both a positive and a negative row.
    case noPairs(source: String)
    /// The fitted direction is the zero vector (e.g. identical class means): nothing to normalise.
    case zeroDirection(source: String, method: String)
    /// A LAPACK routine reported failure.
    case linearAlgebra(routine: String, info: Int32)
    /// probe.json / directions.json that cannot be read.
    case malformedFile(path: String, field: String, problem: String)

    public var description: String {
        switch self {
        case let .notAMatrix(source, shape):
            return "\(source): rows: expected a 2-D (n, d_model) tensor, got shape \(shape)"
        case let .lengthMismatch(source, field, expected, got):
            return "\(source): \(field): expected \(expected) entries (one per row), got \(got)"
        case let .invalidLabel(source, row, value):
            return "\(source): label of row \(row) is \(value); labels must be -1 (unlabelled), 0 or 1"
        case let .noLabels(source):
            return "\(source): labels: no row is labelled 0 or 1, nothing to fit"
        case let .singleClass(source, label):
            return "\(source): labels: every labelled row is class \(label); need both 0 and 1"
        case let .nonFinite(source, row, column):
            return "\(source): rows: row \(row) has a NaN or infinite value at column \(column)"
        case let .dimensionMismatch(source, expected, got):
            return "\(source): d_model is \(got) but the probe was fitted on d_model \(expected)"
        case let .hookMismatch(source, probeHook, dataHook):
            return "\(source): hook is \(dataHook) but the probe was fitted at \(probeHook)"
        case let .hookMissing(source, hook, available):
            return "\(source): no activations for hook \(hook) (the file has \(available.isEmpty ? "none" : available.joined(separator: ", ")))"
        case let .tooFewForFolds(source, label, groups, folds):
            return "\(source): class \(label) appears in only \(groups) group(s); \(folds)-fold CV needs at least \(folds)"
        case let .tooFewRows(source, needed, got, reason):
            return "\(source): \(reason): needs at least \(needed) rows, got \(got)"
        case let .invalidOption(name, value, reason):
            return "option \(name) = \(value): \(reason)"
        case let .noPairs(source):
            return "\(source): groups: no group holds both a positive and a negative row, so there are no contrast pairs"
        case let .zeroDirection(source, method):
            return "\(source): \(method) found a zero direction (the classes do not differ at all)"
        case let .linearAlgebra(routine, info):
            return "\(routine) failed (info = \(info))"
        case let .malformedFile(path, field, problem):
            return "\(path): \(field): \(problem)"
        }
    }
}
