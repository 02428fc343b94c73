/// The rows the trainer computes for a batch: the first `lengths[b]` positions of each sequence,
/// packed one sequence after another (N rows in all). Attention is causal and the padding is on
/// the right, so a sequence's positions after its last scored one change neither the loss nor
/// any gradient: the cross-entropy step leaves them out, and computes logits for scored rows only.
struct PackedRows {
    /// (N) input ids.
    let tokens: [Int]
    /// (N) each row's position in its sequence (its RoPE angle).
    let positions: [Int32]
    /// (B) each sequence's first row and length.
    let starts: [Int]
    let lengths: [Int]
    /// (B) where each sequence's (heads, T_b, T_b) attention probabilities start.
    let attentionOffsets: [Int]
    let attentionFloats: Int
    let maxLength: Int
    /// Rows whose logits are computed, in order; nil: every row.
    let scored: [Int]?

    var rows: Int { tokens.count }

    /// Every position of every sequence, every row scored: the public `forward` hands the head
    /// the whole (B·T, V) logits.
    init(all batch: Batch, heads: Int) {
        self.init(batch, lengths: Array(repeating: batch.length, count: batch.batch), heads: heads, scored: false)
    }

    /// Each sequence up to its last position with a non-zero loss weight; logits only where the
    /// weight is non-zero.
    init(scoring batch: Batch, heads: Int) {
        let lengths = (0..<batch.batch).map { b in
            let row = batch.mask[(b * batch.length)..<((b + 1) * batch.length)]
            return (row.lastIndex { $0 != 0 }).map { $0 - b * batch.length + 1 } ?? 0
        }
        self.init(batch, lengths: lengths, heads: heads, scored: true)
    }

    private init(_ batch: Batch, lengths: [Int], heads: Int, scored keepScored: Bool) {
        var tokens: [Int] = [], positions: [Int32] = [], starts: [Int] = [], offsets: [Int] = []
        var scored: [Int] = []
        var attention = 0
        for (b, length) in lengths.enumerated() {
            starts.append(tokens.count)
            offsets.append(attention)
            attention += heads * length * length
            for t in 0..<length {
                let i = b * batch.length + t
                if keepScored, batch.mask[i] != 0 { scored.append(tokens.count) }
                tokens.append(Int(batch.tokens[i]))
                positions.append(Int32(t))
            }
        }
        self.tokens = tokens
        self.positions = positions
        self.starts = starts
        self.lengths = lengths
        attentionOffsets = offsets
        attentionFloats = attention
        maxLength = lengths.max() ?? 0
        self.scored = keepScored ? scored : nil
    }

    /// The batch's values at the scored rows (targets or loss weights), in `scored` order.
    static func scoredValues<Value>(_ values: [Value], of batch: Batch) -> [Value] {
        var out: [Value] = []
        for i in values.indices where batch.mask[i] != 0 { out.append(values[i]) }
        return out
    }
}
