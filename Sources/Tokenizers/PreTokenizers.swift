import Foundation

/// Splits normalized text into the pieces ("words") the model encodes separately.
protocol PreTokenizer: Sendable {
    func preTokenize(_ pieces: [NormalizedString]) -> [NormalizedString]
}

/// Builds a pre-tokenizer from its `tokenizer.json` object (`"type"` tag).
func makePreTokenizer(_ reader: JSONReader) throws -> PreTokenizer {
    let type = try reader.type()
    switch type {
    case "ByteLevel":
        return ByteLevelPreTokenizer(
            addPrefixSpace: try reader.bool("add_prefix_space", default: true),
            useRegex: try reader.bool("use_regex", default: true))
    case "Split":
        let behavior = try parseBehavior(reader, default: nil)
        return SplitPreTokenizer(
            pattern: try SplitPattern.parse(try reader.requiredChild("pattern")),
            behavior: behavior, invert: try reader.bool("invert", default: false))
    case "Metaspace":
        return try MetaspacePreTokenizer(reader)
    case "Whitespace":
        return WhitespacePreTokenizer()
    case "WhitespaceSplit":
        return SplitPreTokenizer(
            pattern: .scalarPredicate(UnicodeClasses.isWhitespace), behavior: .removed, invert: false)
    case "Digits":
        let individual = try reader.bool("individual_digits", default: false)
        return SplitPreTokenizer(
            pattern: .scalarPredicate(UnicodeClasses.isNumber),
            behavior: individual ? .isolated : .contiguous, invert: false)
    case "Punctuation":
        return SplitPreTokenizer(
            pattern: .scalarPredicate(UnicodeClasses.isPunctuation),
            behavior: try parseBehavior(reader, default: .isolated), invert: false)
    case "BertPreTokenizer":
        return PreTokenizerSequence(steps: [
            SplitPreTokenizer(pattern: .scalarPredicate(UnicodeClasses.isWhitespace), behavior: .removed, invert: false),
            SplitPreTokenizer(pattern: .scalarPredicate(UnicodeClasses.isPunctuation), behavior: .isolated, invert: false),
        ])
    case "Sequence":
        guard let items = try reader.array("pretokenizers") else {
            throw reader.error("Sequence needs \"pretokenizers\"")
        }
        return PreTokenizerSequence(steps: try items.map(makePreTokenizer))
    default:
        throw reader.error("unsupported pre_tokenizer type \"\(type)\"")
    }
}

private func parseBehavior(_ reader: JSONReader, default defaultValue: SplitBehavior?) throws -> SplitBehavior {
    guard let name = try reader.string("behavior") else {
        if let defaultValue { return defaultValue }
        throw reader.error("behavior: missing")
    }
    guard let behavior = SplitBehavior(rawValue: name) else {
        throw reader.error("behavior: unknown value \"\(name)\"")
    }
    return behavior
}

struct PreTokenizerSequence: PreTokenizer {
    let steps: [PreTokenizer]
    func preTokenize(_ pieces: [NormalizedString]) -> [NormalizedString] {
        steps.reduce(pieces) { $1.preTokenize($0) }
    }
}

/// `Split`, and the predicate-based `WhitespaceSplit` / `Digits` / `Punctuation`.
struct SplitPreTokenizer: PreTokenizer {
    let pattern: SplitPattern
    let behavior: SplitBehavior
    let invert: Bool

    func preTokenize(_ pieces: [NormalizedString]) -> [NormalizedString] {
        splitEach(pieces) { behavior.apply(pattern.pieces(in: $0.scalars, invert: invert)) }
    }
}

/// `Whitespace`: the runs `\w+` and `[^\w\s]+`, whitespace dropped.
struct WhitespacePreTokenizer: PreTokenizer {
    func preTokenize(_ pieces: [NormalizedString]) -> [NormalizedString] {
        splitEach(pieces) { piece in
            var out: [Range<Int>] = []
            let s = piece.scalars
            var i = 0
            while i < s.count {
                if UnicodeClasses.isWhitespace(s[i]) { i += 1; continue }
                let word = UnicodeClasses.isWordCharacter(s[i])
                var j = i + 1
                while j < s.count, !UnicodeClasses.isWhitespace(s[j]), UnicodeClasses.isWordCharacter(s[j]) == word {
                    j += 1
                }
                out.append(i..<j)
                i = j
            }
            return out
        }
    }
}

/// `ByteLevel`: optional prefix space, the GPT-2 split, then every scalar becomes the table
/// characters of its UTF-8 bytes (all aligned with the scalar they came from).
struct ByteLevelPreTokenizer: PreTokenizer {
    let addPrefixSpace: Bool
    let useRegex: Bool

    func preTokenize(_ pieces: [NormalizedString]) -> [NormalizedString] {
        var split = pieces
        if addPrefixSpace {
            split = split.map { piece in
                var piece = piece
                if piece.scalars.first != " " { piece.prepend([" "]) }
                return piece
            }
        }
        if useRegex {
            split = splitEach(split) { KnownSplitRegex.gpt2.matches(in: $0.scalars) }
        }
        return split.map(Self.toBytes)
    }

    static func toBytes(_ piece: NormalizedString) -> NormalizedString {
        // ASCII maps one to one: keep the alignment arrays (shared, not copied).
        if piece.scalars.allSatisfy({ $0.isASCII }) {
            let table = ByteLevelTable.byteToScalar
            return NormalizedString(
                scalars: piece.scalars.map { table[Int($0.value)] }, starts: piece.starts, ends: piece.ends)
        }
        var scalars: [Unicode.Scalar] = []
        var starts: [Int] = []
        var ends: [Int] = []
        scalars.reserveCapacity(piece.count)
        starts.reserveCapacity(piece.count)
        ends.reserveCapacity(piece.count)
        for i in piece.scalars.indices {
            let before = scalars.count
            ByteLevelTable.appendBytes(of: piece.scalars[i], to: &scalars)
            for _ in before..<scalars.count {
                starts.append(piece.starts[i])
                ends.append(piece.ends[i])
            }
        }
        return NormalizedString(scalars: scalars, starts: starts, ends: ends)
    }
}

/// `Metaspace`: spaces become the replacement (▁), a ▁ is prepended per `prepend_scheme`, and
/// the text is split before each ▁.
struct MetaspacePreTokenizer: PreTokenizer {
    enum PrependScheme: String { case always, first, never }
    let replacement: Unicode.Scalar
    let prependScheme: PrependScheme
    let split: Bool

    init(_ reader: JSONReader) throws {
        let replacement = try reader.string("replacement") ?? "▁"
        guard replacement.unicodeScalars.count == 1, let scalar = replacement.unicodeScalars.first else {
            throw reader.error("replacement: expected a single character")
        }
        self.replacement = scalar
        if let scheme = try reader.string("prepend_scheme") {
            guard let parsed = PrependScheme(rawValue: scheme) else {
                throw reader.error("prepend_scheme: unknown value \"\(scheme)\"")
            }
            prependScheme = parsed
        } else {
            prependScheme = try reader.bool("add_prefix_space", default: true) ? .always : .never
        }
        split = try reader.bool("split", default: true)
    }

    func preTokenize(_ pieces: [NormalizedString]) -> [NormalizedString] {
        let replacement = replacement
        let replaced = pieces.map { piece -> NormalizedString in
            var piece = piece
            piece.mapScalars { $0 == " " ? [replacement] : nil }
            let wantsPrefix: Bool
            switch prependScheme {
            case .always: wantsPrefix = true
            case .first: wantsPrefix = piece.starts.first == 0
            case .never: wantsPrefix = false
            }
            if wantsPrefix && piece.scalars.first != replacement { piece.prepend([replacement]) }
            return piece
        }
        guard split else { return replaced }
        return splitEach(replaced) { piece in
            SplitBehavior.mergedWithNext.apply(
                SplitPattern.scalarPredicate({ $0 == replacement }).pieces(in: piece.scalars))
        }
    }
}
