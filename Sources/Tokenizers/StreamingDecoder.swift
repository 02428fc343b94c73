/// Decodes ids one at a time during generation. Each `push` returns only the new printable text:
/// it never returns half a UTF-8 character or half a byte-fallback sequence (those wait until
/// complete), and the concatenation of all pieces plus `finish()` equals `decode` of all ids.
///
/// Like text-generation-inference's `decode_token`: the previous token is decoded again as
/// context, so decoders that treat the first token specially (Metaspace, Strip) stay correct.
public struct StreamingDecoder: Sendable {
    private let tokenizer: Tokenizer
    private let skipSpecialTokens: Bool
    private var ids: [Int] = []
    private var prefixIndex = 0
    private var readIndex = 0

    public init(tokenizer: Tokenizer, skipSpecialTokens: Bool = false) {
        self.tokenizer = tokenizer
        self.skipSpecialTokens = skipSpecialTokens
    }

    /// Adds one id and returns the text it completes (possibly empty).
    public mutating func push(_ id: Int) -> String {
        ids.append(id)
        let prefix = tokenizer.decode(Array(ids[prefixIndex..<readIndex]), skipSpecialTokens: skipSpecialTokens)
        let full = tokenizer.decode(Array(ids[prefixIndex...]), skipSpecialTokens: skipSpecialTokens)
        let prefixScalars = prefix.unicodeScalars
        let fullScalars = full.unicodeScalars
        guard fullScalars.count > prefixScalars.count, fullScalars.last != "\u{FFFD}",
            fullScalars.starts(with: prefixScalars)
        else { return "" }
        var piece = String.UnicodeScalarView()
        piece.append(contentsOf: fullScalars.dropFirst(prefixScalars.count))
        prefixIndex = readIndex
        readIndex = ids.count
        return String(piece)
    }

    /// Returns whatever is still held back (an incomplete byte sequence decodes to U+FFFD here).
    public mutating func finish() -> String {
        let prefix = tokenizer.decode(Array(ids[prefixIndex..<readIndex]), skipSpecialTokens: skipSpecialTokens)
        let full = tokenizer.decode(Array(ids[prefixIndex...]), skipSpecialTokens: skipSpecialTokens)
        prefixIndex = ids.count
        readIndex = ids.count
        let prefixScalars = prefix.unicodeScalars
        let fullScalars = full.unicodeScalars
        guard fullScalars.starts(with: prefixScalars) else { return "" }
        var piece = String.UnicodeScalarView()
        piece.append(contentsOf: fullScalars.dropFirst(prefixScalars.count))
        return String(piece)
    }
}
