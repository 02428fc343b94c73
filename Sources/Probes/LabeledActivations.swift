import Tensors

/// Activations with a class label and a group per row: the input of every probe.
///
/// Labels are 1 (positive, e.g. "will defect"), 0 (negative) or -1 (unlabelled: ignored by
/// supervised fits, used by unsupervised PCA). Rows sharing a non-empty `group` string stay in
/// one cross-validation fold and form contrast pairs for paired PCA; an empty group means the
/// row is a group of its own.
public struct LabeledActivations: Sendable {
    /// (n, d_model)
    public let rows: Tensor
    public let labels: [Int32]
    public let groups: [String]
    /// The hook the rows were captured at, when known; probes refuse data from another hook.
    public let hook: String?
    /// Names the data in error messages (a file path, or a description).
    public let source: String

    /// Validates shapes, labels and finiteness; errors name the offending row.
    /// `groups` may be empty: every row is then its own group.
    public init(rows: Tensor, labels: [Int32], groups: [String] = [], hook: String? = nil,
                source: String = "activations") throws {
        guard rows.rank == 2, rows.shape[1] > 0 else { throw ProbeError.notAMatrix(source: source, shape: rows.shape) }
        let n = rows.shape[0], d = rows.shape[1]
        guard labels.count == n else {
            throw ProbeError.lengthMismatch(source: source, field: "labels", expected: n, got: labels.count)
        }
        guard groups.isEmpty || groups.count == n else {
            throw ProbeError.lengthMismatch(source: source, field: "groups", expected: n, got: groups.count)
        }
        for (row, label) in labels.enumerated() where label < -1 || label > 1 {
            throw ProbeError.invalidLabel(source: source, row: row, value: label)
        }
        if let index = rows.storage.firstIndex(where: { !$0.isFinite }) {
            throw ProbeError.nonFinite(source: source, row: index / max(d, 1), column: index % max(d, 1))
        }
        self.init(validRows: rows, labels: labels,
                  groups: groups.isEmpty ? [String](repeating: "", count: n) : groups,
                  hook: hook, source: source)
    }

    /// For subsets of already validated data.
    init(validRows: Tensor, labels: [Int32], groups: [String], hook: String?, source: String) {
        self.rows = validRows
        self.labels = labels
        self.groups = groups
        self.hook = hook
        self.source = source
    }

    public var count: Int { rows.shape[0] }
    public var dModel: Int { rows.shape[1] }

    /// Indices of rows labelled 0 or 1; throws when there are none or only one class.
    public func labeledIndices() throws -> [Int] {
        let indices = labels.indices.filter { labels[$0] >= 0 }
        guard let first = indices.first else { throw ProbeError.noLabels(source: source) }
        let firstLabel = labels[first]
        guard indices.contains(where: { labels[$0] != firstLabel }) else {
            throw ProbeError.singleClass(source: source, label: firstLabel)
        }
        return indices
    }

    /// The rows at `indices`, in that order.
    public func subset(_ indices: [Int]) -> LabeledActivations {
        let d = dModel
        var storage = [Float](repeating: 0, count: indices.count * d)
        rows.storage.withUnsafeBufferPointer { src in
            storage.withUnsafeMutableBufferPointer { dst in
                for (out, index) in indices.enumerated() {
                    for j in 0..<d { dst[out * d + j] = src[index * d + j] }
                }
            }
        }
        return LabeledActivations(
            validRows: Tensor(shape: [indices.count, d], storage: storage),
            labels: indices.map { labels[$0] }, groups: indices.map { groups[$0] },
            hook: hook, source: source)
    }

    /// Only the rows labelled 0 or 1 (throws like `labeledIndices()`).
    public func labeledOnly() throws -> LabeledActivations {
        let indices = try labeledIndices()
        return indices.count == count ? self : subset(indices)
    }

    /// Throws when `rows` do not fit a probe of this `dModel` fitted at `hook`.
    func check(dModel expected: Int, hook probeHook: String?) throws {
        guard dModel == expected else {
            throw ProbeError.dimensionMismatch(source: source, expected: expected, got: dModel)
        }
        if let probeHook, let hook, probeHook != hook {
            throw ProbeError.hookMismatch(source: source, probeHook: probeHook, dataHook: hook)
        }
    }
}
