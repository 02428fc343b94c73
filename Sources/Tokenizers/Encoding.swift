/// The result of encoding one string.
public struct Encoding: Sendable, Equatable {
    /// Token ids, special tokens included when they were added.
    public var ids: [Int]
    /// The vocabulary string of each token (byte-level tokens as `Ġhello`, Metaspace as `▁hello`).
    public var tokens: [String]
    /// Each token's span in the input, in Unicode scalars (what Python `tokenizers` calls char
    /// offsets). Special tokens added by the post-processor have `0..<0`.
    public var offsets: [Range<Int>]

    public init(ids: [Int] = [], tokens: [String] = [], offsets: [Range<Int>] = []) {
        self.ids = ids
        self.tokens = tokens
        self.offsets = offsets
    }

    mutating func append(id: Int, token: String, offsets range: Range<Int>) {
        ids.append(id)
        tokens.append(token)
        offsets.append(range)
    }
}
