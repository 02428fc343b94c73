import Tensors

/// The results of running `k` prompts: what `ActivationWriter.append(batch:)` stores.
public struct ActivationBatch: Sendable {
    public var texts: [String]
    /// -1 when unlabelled.
    public var labels: [Int32]
    public var groups: [String]
    /// One JSON object string per prompt (the prompt file's other fields), "{}" when none.
    public var extras: [String]
    /// The token ids of each prompt (no padding).
    public var tokenIDs: [[Int32]]
    /// Per hook name: `(k, d_model)` for last/mean/index positions, or
    /// `(total tokens, d_model)` for "all" (prompt after prompt, in token order).
    public var activations: [String: Tensor]

    public init(texts: [String], labels: [Int32], groups: [String], extras: [String]? = nil,
                tokenIDs: [[Int32]], activations: [String: Tensor]) {
        self.texts = texts
        self.labels = labels
        self.groups = groups
        self.extras = extras ?? Array(repeating: "{}", count: texts.count)
        self.tokenIDs = tokenIDs
        self.activations = activations
    }

    public var count: Int { texts.count }
    public var tokenCount: Int { tokenIDs.reduce(0) { $0 + $1.count } }

    /// Checks every count and shape against the file's metadata before anything is written.
    func validate(for metadata: ActivationMetadata, path: String) throws {
        let k = count
        for (field, n) in [("labels", labels.count), ("groups", groups.count), ("extras", extras.count),
                           ("tokenIDs", tokenIDs.count)] where n != k {
            throw ActivationStoreError.invalidBatch(path: path, problem: "\(n) \(field) for \(k) texts")
        }
        let rows = metadata.rowsPerToken ? tokenCount : k
        for hook in metadata.hooks {
            guard let tensor = activations[hook] else {
                throw ActivationStoreError.invalidBatch(path: path, problem: "no activations for hook \(hook)")
            }
            guard tensor.shape == [rows, metadata.dModel] else {
                throw ActivationStoreError.invalidBatch(
                    path: path, problem: "\(hook) has shape \(tensor.shape), expected [\(rows), \(metadata.dModel)]")
            }
        }
        if let extraHook = activations.keys.sorted().first(where: { !metadata.hooks.contains($0) }) {
            throw ActivationStoreError.invalidBatch(path: path, problem: "hook \(extraHook) is not in the file's hook list")
        }
    }
}
