/// Hand-written matchers for the three pre-tokenization regexes almost every byte-level model
/// uses. They follow the regex's alternation order and greedy backtracking exactly, and run on
/// scalars, avoiding a general regex engine (the slowest part of byte-level encoding).
///
/// GPT-2:   `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
/// Llama-3: `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
/// Qwen2:   the Llama-3 pattern with `\p{N}` (single digits) in place of `\p{N}{1,3}`.
enum KnownSplitRegex: Sendable, Equatable {
    case gpt2
    case llama3
    case qwen2

    static let gpt2Pattern = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
    static let llama3Pattern =
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    static let qwen2Pattern =
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

    init?(pattern: String) {
        switch pattern {
        case Self.gpt2Pattern: self = .gpt2
        case Self.llama3Pattern: self = .llama3
        case Self.qwen2Pattern: self = .qwen2
        default: return nil
        }
    }

    // Scalar classes used by the patterns.
    private static let other: UInt8 = 0  // [^\s\p{L}\p{N}]
    private static let letter: UInt8 = 1
    private static let number: UInt8 = 2
    private static let space: UInt8 = 3  // \s other than CR / LF
    private static let newline: UInt8 = 4  // \r or \n

    private static func classify(_ s: Unicode.Scalar) -> UInt8 {
        let v = s.value
        if v == 0x0A || v == 0x0D { return newline }
        if UnicodeClasses.isLetter(s) { return letter }
        if UnicodeClasses.isNumber(s) { return number }
        if UnicodeClasses.isWhitespace(s) { return space }
        return other
    }

    func matches(in s: [Unicode.Scalar]) -> [Range<Int>] {
        let n = s.count
        var classes = [UInt8](repeating: 0, count: n)
        for i in 0..<n { classes[i] = Self.classify(s[i]) }
        var out: [Range<Int>] = []
        out.reserveCapacity(n / 3 + 1)
        classes.withUnsafeBufferPointer { c in
            var i = 0
            while i < n {
                let end = matchEnd(s, c, at: i)
                out.append(i..<end)
                i = end
            }
        }
        return out
    }

    /// End of the match that starts at `i`. Every scalar starts some alternative, so there is always one.
    private func matchEnd(_ s: [Unicode.Scalar], _ c: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let n = c.count
        let isWS = { (k: Int) -> Bool in c[k] == Self.space || c[k] == Self.newline }
        func run(from k: Int, while cls: UInt8) -> Int {
            var j = k
            while j < n && c[j] == cls { j += 1 }
            return j
        }
        // Contractions.
        if s[i] == "'" && i + 1 < n {
            if let end = contractionEnd(s, at: i) { return end }
        }
        let cls = c[i]
        // Letters, with an optional lead-in.
        if cls == Self.letter { return run(from: i, while: Self.letter) }
        if i + 1 < n && c[i + 1] == Self.letter {
            if self == .gpt2 ? s[i] == " " : (cls == Self.other || cls == Self.space) {
                return run(from: i + 1, while: Self.letter)
            }
        }
        // Numbers.
        switch self {
        case .gpt2:
            if cls == Self.number { return run(from: i, while: Self.number) }
            if s[i] == " " && i + 1 < n && c[i + 1] == Self.number { return run(from: i + 1, while: Self.number) }
        case .llama3:
            if cls == Self.number { return min(run(from: i, while: Self.number), i + 3) }
        case .qwen2:
            if cls == Self.number { return i + 1 }
        }
        // Other symbols, with an optional leading space (and trailing newlines for Llama-3 / Qwen2).
        var symbolStart = -1
        if cls == Self.other {
            symbolStart = i
        } else if s[i] == " " && i + 1 < n && c[i + 1] == Self.other {
            symbolStart = i + 1
        }
        if symbolStart >= 0 {
            let end = run(from: symbolStart, while: Self.other)
            return self == .gpt2 ? end : run(from: end, while: Self.newline)
        }
        // Whitespace.
        guard isWS(i) else { return i + 1 }
        var wsEnd = i
        while wsEnd < n && isWS(wsEnd) { wsEnd += 1 }
        if self != .gpt2 {
            // \s*[\r\n]+ : up to and including the last newline of the run.
            var k = wsEnd - 1
            while k >= i && c[k] != Self.newline { k -= 1 }
            if k >= i { return k + 1 }
        }
        // \s+(?!\S) : the whole run at the end of input, else all but its last scalar.
        if wsEnd == n { return n }
        if wsEnd - 1 > i { return wsEnd - 1 }
        // \s+
        return wsEnd
    }

    private func contractionEnd(_ s: [Unicode.Scalar], at i: Int) -> Int? {
        let caseInsensitive = self != .gpt2
        func letter(_ k: Int) -> Unicode.Scalar? {
            guard k < s.count else { return nil }
            let v = s[k].value
            if caseInsensitive {
                if v == 0x17F { return "s" }  // LATIN SMALL LETTER LONG S folds to s
                if v >= 0x41 && v <= 0x5A { return Unicode.Scalar(v + 0x20) }
            }
            return s[k]
        }
        guard let a = letter(i + 1) else { return nil }
        switch a {
        case "s", "t", "m", "d": return i + 2
        case "r", "v":
            return letter(i + 2) == "e" ? i + 3 : nil
        case "l":
            return letter(i + 2) == "l" ? i + 3 : nil
        default: return nil
        }
    }
}
