/// One entry of `tokenizer.json`'s `added_tokens`.
struct AddedToken: Sendable {
    let id: Int
    let content: String
    let special: Bool
    let singleWord: Bool
    let lstrip: Bool
    let rstrip: Bool
    let normalized: Bool
    /// The token's string in encodings and decoding: the content, or for a `normalized` token
    /// the normalized content (what the Rust crate's `id_to_token` returns).
    var tokenString: String

    init(_ reader: JSONReader) throws {
        let idReader = try reader.requiredChild("id")
        guard let id = idReader.value.int, id >= 0 else { throw idReader.error("expected a non-negative integer") }
        self.id = id
        content = try reader.requiredString("content")
        if content.isEmpty { throw reader.error("content: empty") }
        special = try reader.bool("special", default: false)
        singleWord = try reader.bool("single_word", default: false)
        lstrip = try reader.bool("lstrip", default: false)
        rstrip = try reader.bool("rstrip", default: false)
        normalized = try reader.bool("normalized", default: !special)
        tokenString = content
    }
}

/// A piece of text after added-token extraction: plain text, or one added token.
struct AddedSplit {
    var range: Range<Int>
    var token: AddedToken?
}

/// Finds added tokens in text the way the Rust crate's `AddedVocabulary::find_matches` does:
/// leftmost-longest matches, `single_word` / `lstrip` / `rstrip` applied around each, special
/// tokens optionally ignored.
struct AddedTokenMatcher: Sendable {
    /// Trie over scalars: children per node, and the token ending at each node (-1: none).
    private var children: [[UInt32: Int32]] = [[:]]
    private var terminal: [Int32] = [-1]
    private(set) var tokens: [AddedToken] = []

    var isEmpty: Bool { tokens.isEmpty }

    /// Adds `token`, matched as `pattern` (its content, normalized where the token asks for it).
    mutating func add(_ token: AddedToken, pattern: [Unicode.Scalar]) {
        guard !pattern.isEmpty else { return }
        var node = 0
        for scalar in pattern {
            if let next = children[node][scalar.value] {
                node = Int(next)
            } else {
                children.append([:])
                terminal.append(-1)
                children[node][scalar.value] = Int32(children.count - 1)
                node = children.count - 1
            }
        }
        if terminal[node] < 0 {
            terminal[node] = Int32(tokens.count)
            tokens.append(token)
        }
    }

    /// Longest token starting at `i`: (token index, end).
    private func longestMatch(in s: [Unicode.Scalar], at i: Int) -> (Int, Int)? {
        var node = 0
        var best: (Int, Int)?
        var k = i
        while k < s.count, let next = children[node][s[k].value] {
            node = Int(next)
            k += 1
            if terminal[node] >= 0 { best = (Int(terminal[node]), k) }
        }
        return best
    }

    /// Splits `s` into plain pieces and added tokens, covering it entirely.
    func split(_ s: [Unicode.Scalar], skipSpecial: Bool) -> [AddedSplit] {
        guard !tokens.isEmpty, !s.isEmpty else { return [AddedSplit(range: 0..<s.count, token: nil)] }
        var out: [AddedSplit] = []
        var startOffset = 0
        var i = 0
        while i < s.count {
            guard children[0][s[i].value] != nil, let (index, end) = longestMatch(in: s, at: i) else {
                i += 1
                continue
            }
            let token = tokens[index]
            var start = i
            var stop = end
            i = end
            if skipSpecial && token.special { continue }
            if token.singleWord {
                let wordBefore = start > 0 && Self.isWordScalar(s[start - 1])
                let wordAfter = stop < s.count && Self.isWordScalar(s[stop])
                if wordBefore || wordAfter { continue }
            }
            if token.lstrip {
                var newStart = start
                while newStart > 0 && UnicodeClasses.isWhitespace(s[newStart - 1]) { newStart -= 1 }
                start = max(newStart, startOffset)
            }
            if token.rstrip {
                while stop < s.count && UnicodeClasses.isWhitespace(s[stop]) { stop += 1 }
                i = stop
            }
            if startOffset < start { out.append(AddedSplit(range: startOffset..<start, token: nil)) }
            out.append(AddedSplit(range: start..<stop, token: token))
            startOffset = stop
        }
        if startOffset < s.count { out.append(AddedSplit(range: startOffset..<s.count, token: nil)) }
        return out
    }

    /// Rust's `ends_with_word` / `starts_with_word` test: alphanumeric or underscore.
    private static func isWordScalar(_ s: Unicode.Scalar) -> Bool {
        s == "_" || UnicodeClasses.isAlphanumeric(s)
    }
}
