/// Token embedding lookup, forward and backward (llm.c's `encoder_forward` / `encoder_backward`).
public enum Embedding {
    /// out (tokens, d) = table[tokens] for a table (vocab, d) stored as `dtype` (widened per row).
    /// The caller has checked every token against the vocabulary.
    public static func forward(_ out: UnsafeMutablePointer<Float>, tokens: UnsafeBufferPointer<Int>,
                               table: UnsafeRawPointer, dtype: WeightDType, d: Int) {
        for (r, t) in tokens.enumerated() {
            WeightConversion.widen(dtype, table + t * d * dtype.byteSize, into: out + r * d, count: d)
        }
    }

    /// dtable[tokens[r]] += dout[r]; dout (tokens, d), dtable (vocab, d) Float32.
    public static func backward(_ dtable: UnsafeMutablePointer<Float>, _ dout: UnsafePointer<Float>,
                                tokens: UnsafeBufferPointer<Int>, d: Int) {
        for (r, t) in tokens.enumerated() {
            Kernels.add(dtable + t * d, dout + r * d, d)
        }
    }
}
