/// `Unigram` (SentencePiece): the segmentation with the highest total log-probability, found by
/// Viterbi over every vocabulary piece that starts at each character, as the Rust crate's
/// `Unigram::encode_optimized`. Characters no piece covers become the unknown token (score:
/// lowest piece score − 10), consecutive unknowns are fused, and with `byte_fallback` an
/// unknown run becomes `<0xAB>` tokens.
struct UnigramModel: TokenizerModel {
    let vocabulary: [TokenKey: Int]
    private let pieces: [String]
    private let scores: [Double]
    private let unknownID: Int?
    private let byteFallback: Bool
    private let unknownScore: Double
    /// Trie over scalars of every piece: children per node and the piece id ending there (-1: none).
    private let children: [[UInt32: Int32]]
    private let terminal: [Int32]

    init(_ reader: JSONReader) throws {
        guard let entries = try reader.array("vocab") else {
            throw TokenizerError(file: reader.file, "\(reader.path).vocab: missing")
        }
        var vocabulary: [TokenKey: Int] = [:]
        var pieces: [String] = []
        var scores: [Double] = []
        var children: [[UInt32: Int32]] = [[:]]
        var terminal: [Int32] = [-1]
        for (id, entry) in entries.enumerated() {
            guard let pair = entry.value.array, pair.count == 2, let piece = pair[0].string,
                let score = pair[1].int.map(Double.init) ?? { if case .double(let d) = pair[1] { return d } else { return nil } }()
            else { throw entry.error("expected [\"piece\", score]") }
            vocabulary[TokenKey(piece)] = id  // a repeated piece: the last id wins, as in Rust
            pieces.append(piece)
            scores.append(score)
            var node = 0
            for scalar in piece.unicodeScalars {
                if let next = children[node][scalar.value] {
                    node = Int(next)
                } else {
                    children.append([:])
                    terminal.append(-1)
                    children[node][scalar.value] = Int32(children.count - 1)
                    node = children.count - 1
                }
            }
            terminal[node] = Int32(id)
        }
        if let unk = try reader.int("unk_id") {
            guard unk >= 0 && unk < pieces.count else { throw reader.error("unk_id \(unk) is outside the vocabulary") }
            unknownID = unk
        } else {
            unknownID = nil
        }
        self.vocabulary = vocabulary
        self.pieces = pieces
        self.scores = scores
        self.children = children
        self.terminal = terminal
        byteFallback = try reader.bool("byte_fallback", default: false)
        unknownScore = (scores.min() ?? 0) - 10
    }

    func tokenID(_ token: String) -> Int? { vocabulary[TokenKey(token)] }
    func tokenString(_ id: Int) -> String? { id >= 0 && id < pieces.count ? pieces[id] : nil }

    func tokenText(_ token: ModelToken, in word: [Unicode.Scalar]) -> String {
        if let unknownID, Int(token.id) == unknownID { return Array(word[Int(token.start)..<Int(token.end)]).string }
        return tokenString(Int(token.id)) ?? ""
    }

    func tokenize(_ word: [Unicode.Scalar]) -> [ModelToken] {
        let n = word.count
        guard n > 0 else { return [] }
        // bestScore[k] / bestStart[k] / bestID[k]: best path covering word[0..<k].
        var bestScore = [Double](repeating: 0, count: n + 1)
        var bestStart = [Int](repeating: -1, count: n + 1)
        var bestID = [Int](repeating: -1, count: n + 1)
        for start in 0..<n {
            let base = bestScore[start]
            var hasSingle = false
            var node = 0
            var k = start
            while k < n, let next = children[node][word[k].value] {
                node = Int(next)
                k += 1
                let id = Int(terminal[node])
                guard id >= 0 else { continue }
                let candidate = scores[id] + base
                if bestStart[k] < 0 || candidate > bestScore[k] {
                    bestScore[k] = candidate
                    bestStart[k] = start
                    bestID[k] = id
                }
                if k == start + 1 { hasSingle = true }
            }
            if !hasSingle {
                let candidate = unknownScore + base
                if bestStart[start + 1] < 0 || candidate > bestScore[start + 1] {
                    bestScore[start + 1] = candidate
                    bestStart[start + 1] = start
                    bestID[start + 1] = unknownID ?? -1
                }
            }
        }
        // Walk back, fusing consecutive unknown pieces.
        var reversed: [ModelToken] = []
        var end = n
        while end > 0 {
            let start = bestStart[end]
            let id = bestID[end]
            if id == unknownID ?? -2, let last = reversed.last, Int(last.id) == id, last.start == Int32(end) {
                reversed[reversed.count - 1].start = Int32(start)
            } else {
                reversed.append(ModelToken(id: Int32(id), start: Int32(start), end: Int32(end)))
            }
            end = start
        }
        var tokens: [ModelToken] = []
        tokens.reserveCapacity(reversed.count)
        for token in reversed.reversed() {
            guard token.id >= 0 else { continue }  // no unknown id: the Rust crate fails; we drop the span
            if byteFallback, Int(token.id) == unknownID {
                let text = Array(word[Int(token.start)..<Int(token.end)]).string
                let ids = text.utf8.map { b -> Int? in
                    let hex = String(b, radix: 16, uppercase: true)
                    return vocabulary[TokenKey("<0x\(hex.count == 1 ? "0" + hex : hex)>")]
                }
                if ids.allSatisfy({ $0 != nil }) {
                    for id in ids.compactMap({ $0 }) { tokens.append(ModelToken(id: Int32(id), start: token.start, end: token.end)) }
                    continue
                }
            }
            tokens.append(token)
        }
        return tokens
    }
}
