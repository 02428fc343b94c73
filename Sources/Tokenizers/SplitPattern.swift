import Foundation

/// A pattern a `Split`-style pre-tokenizer or `Replace` component looks for.
enum SplitPattern: Sendable {
    /// Every scalar for which the predicate holds is one match (Rust's `Fn(char) -> bool` pattern).
    case scalarPredicate(@Sendable (Unicode.Scalar) -> Bool)
    /// A literal string (JSON `{"String": …}`); consecutive occurrences are separate matches.
    case literal([Unicode.Scalar])
    /// One of the GPT-2 / Llama-3 / Qwen2 pre-tokenization regexes, matched by hand.
    case known(KnownSplitRegex)
    /// Any other regex, through NSRegularExpression (ICU syntax is close to Oniguruma's).
    case regex(RegexBox)

    /// Builds the pattern of a JSON `{"String": …}` or `{"Regex": …}` object.
    static func parse(_ reader: JSONReader) throws -> SplitPattern {
        if let literal = try reader.string("String") {
            return .literal(literal.scalarArray)
        }
        if let source = try reader.string("Regex") {
            if let known = KnownSplitRegex(pattern: source) { return .known(known) }
            do {
                return .regex(RegexBox(try NSRegularExpression(pattern: source)))
            } catch {
                throw reader.error("regex does not compile: \(source)")
            }
        }
        throw reader.error("expected {\"String\": …} or {\"Regex\": …}")
    }

    /// Sorted, non-overlapping, non-empty matches in `s`.
    func matches(in s: [Unicode.Scalar]) -> [Range<Int>] {
        switch self {
        case .scalarPredicate(let predicate):
            var out: [Range<Int>] = []
            for i in s.indices where predicate(s[i]) { out.append(i..<i + 1) }
            return out
        case .literal(let needle):
            guard !needle.isEmpty, needle.count <= s.count else { return [] }
            var out: [Range<Int>] = []
            var i = 0
            while i + needle.count <= s.count {
                if s[i] == needle[0] && s[i..<i + needle.count].elementsEqual(needle) {
                    out.append(i..<i + needle.count)
                    i += needle.count
                } else {
                    i += 1
                }
            }
            return out
        case .known(let known):
            return known.matches(in: s)
        case .regex(let box):
            return box.matches(in: s)
        }
    }

    /// `(range, isMatch)` pieces covering `s`, with matches flipped when `invert`.
    func pieces(in s: [Unicode.Scalar], invert: Bool = false) -> [(range: Range<Int>, isMatch: Bool)] {
        coveringPieces(matches: matches(in: s), count: s.count).map { ($0.range, $0.isMatch != invert) }
    }
}

/// NSRegularExpression is immutable once built; the box states that for Swift 6.
struct RegexBox: @unchecked Sendable {
    let regex: NSRegularExpression

    init(_ regex: NSRegularExpression) { self.regex = regex }

    /// Matches in scalar units: NSRegularExpression works on UTF-16, so offsets are mapped back.
    func matches(in s: [Unicode.Scalar]) -> [Range<Int>] {
        let string = s.string
        var scalarAt: [Int] = []  // UTF-16 offset -> scalar index
        scalarAt.reserveCapacity(s.count + 1)
        for (i, scalar) in s.enumerated() {
            scalarAt.append(i)
            if scalar.value > 0xFFFF { scalarAt.append(i) }
        }
        scalarAt.append(s.count)
        let ns = string as NSString
        var out: [Range<Int>] = []
        for result in regex.matches(in: string, range: NSRange(location: 0, length: ns.length)) {
            let r = result.range
            guard r.location != NSNotFound, r.length > 0 else { continue }
            out.append(scalarAt[r.location]..<scalarAt[r.location + r.length])
        }
        return out
    }
}
