import Formats
import Tensors

/// Collects prompts one at a time into an `ActivationBatch` (what `extract` does per
/// forward batch: for each prompt, its record, token ids and per-hook rows).
public struct ActivationBatchBuilder {
    public let hooks: [String]
    public let dModel: Int
    private var batch = ActivationBatch(texts: [], labels: [], groups: [], extras: [], tokenIDs: [], activations: [:])
    /// Per hook, the rows added so far, `(rows, d_model)` flattened.
    private var values: [String: [Float]]

    public init(hooks: [String], dModel: Int) {
        self.hooks = hooks
        self.dModel = dModel
        self.values = Dictionary(uniqueKeysWithValues: hooks.map { ($0, [Float]()) })
    }

    /// Prompts added since the last `take()`.
    public var count: Int { batch.count }

    /// Adds one prompt; `rows[hook]` is its `(1, d_model)` or `(tokens, d_model)` rows
    /// (see `PositionSelection.rows`). Shapes are checked when the writer appends.
    public mutating func add(_ record: LabeledPrompt, tokenIDs: [Int32], rows: [String: Tensor]) {
        batch.texts.append(record.prompt)
        batch.labels.append(record.label)
        batch.groups.append(record.group)
        batch.extras.append(record.extra)
        batch.tokenIDs.append(tokenIDs)
        for hook in hooks { values[hook, default: []] += rows[hook]?.storage ?? [] }
    }

    /// The collected batch, leaving the builder empty.
    public mutating func take() -> ActivationBatch {
        var out = batch
        out.activations = values.mapValues { Tensor(shape: [$0.count / max(1, dModel), dModel], storage: $0) }
        self = ActivationBatchBuilder(hooks: hooks, dModel: dModel)
        return out
    }
}
