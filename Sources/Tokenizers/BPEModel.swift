import Synchronization

/// Byte-pair encoding as the Rust crate's `models/bpe`: a word starts as one symbol per
/// character (or `<0xAB>` byte tokens / the unknown token), then the lowest-ranked adjacent
/// pair is merged, leftmost first on ties (the order Rust's merge heap pops), until no pair has
/// a merge. Results are cached per word.
final class BPEModel: TokenizerModel {
    let vocabulary: [TokenKey: Int]
    private let table: [String?]
    /// (left id << 32 | right id) → (rank << 32 | merged id).
    private let merges: [UInt64: UInt64]
    private let unknownID: Int32?
    private let fuseUnknown: Bool
    private let byteFallback: Bool
    private let ignoreMerges: Bool
    private let continuingSubwordPrefix: String?
    private let endOfWordSuffix: String?
    /// Single-character tokens by scalar, used when no prefix / suffix decorates characters.
    private let characterIDs: [UInt32: Int32]
    /// `<0x00>` … `<0xFF>` ids, -1 where absent.
    private let byteIDs: [Int32]
    private let cache = Mutex<[TokenKey: [ModelToken]]>([:])
    private static let cacheCapacity = 100_000

    init(_ reader: JSONReader) throws {
        vocabulary = try readVocabulary(reader)
        table = reverseVocabulary(vocabulary)
        continuingSubwordPrefix = try reader.string("continuing_subword_prefix").flatMap { $0.isEmpty ? nil : $0 }
        endOfWordSuffix = try reader.string("end_of_word_suffix").flatMap { $0.isEmpty ? nil : $0 }
        byteFallback = try reader.bool("byte_fallback", default: false)
        fuseUnknown = try reader.bool("fuse_unk", default: false)
        ignoreMerges = try reader.bool("ignore_merges", default: false)
        if let unk = try reader.string("unk_token") {
            // The Rust crate tolerates an unk_token missing from the vocabulary until it is needed.
            unknownID = vocabulary[TokenKey(unk)].map { Int32($0) }
        } else {
            unknownID = nil
        }

        var merges: [UInt64: UInt64] = [:]
        let prefixLength = continuingSubwordPrefix?.count ?? 0
        for (rank, entry) in (try reader.array("merges") ?? []).enumerated() {
            let pair: (String, String)
            if let text = entry.value.string {
                let parts = text.split(separator: " ", omittingEmptySubsequences: false)
                guard parts.count == 2 else { throw entry.error("expected \"a b\" or [\"a\",\"b\"]") }
                pair = (String(parts[0]), String(parts[1]))
            } else if let items = entry.value.array, items.count == 2, let a = items[0].string, let b = items[1].string {
                pair = (a, b)
            } else {
                throw entry.error("expected \"a b\" or [\"a\",\"b\"]")
            }
            guard let left = vocabulary[TokenKey(pair.0)] else { throw entry.error("token \"\(pair.0)\" is not in the vocabulary") }
            guard let right = vocabulary[TokenKey(pair.1)] else { throw entry.error("token \"\(pair.1)\" is not in the vocabulary") }
            let merged = pair.0 + String(pair.1.dropFirst(pair.1.hasPrefix(continuingSubwordPrefix ?? "\u{0}") ? prefixLength : 0))
            guard let mergedID = vocabulary[TokenKey(merged)] else {
                throw entry.error("merged token \"\(merged)\" is not in the vocabulary")
            }
            merges[UInt64(left) << 32 | UInt64(right)] = UInt64(rank) << 32 | UInt64(mergedID)
        }
        self.merges = merges

        var characterIDs: [UInt32: Int32] = [:]
        if continuingSubwordPrefix == nil && endOfWordSuffix == nil {
            for (token, id) in vocabulary {
                let scalars = token.text.unicodeScalars
                if scalars.count == 1, let s = scalars.first { characterIDs[s.value] = Int32(id) }
            }
        }
        self.characterIDs = characterIDs
        var byteIDs = [Int32](repeating: -1, count: 256)
        if byteFallback {
            for b in 0..<256 {
                let hex = String(b, radix: 16, uppercase: true)
                if let id = vocabulary[TokenKey("<0x\(hex.count == 1 ? "0" + hex : hex)>")] { byteIDs[b] = Int32(id) }
            }
        }
        self.byteIDs = byteIDs
    }

    func tokenID(_ token: String) -> Int? { vocabulary[TokenKey(token)] }
    func tokenString(_ id: Int) -> String? { id >= 0 && id < table.count ? table[id] : nil }

    func tokenize(_ word: [Unicode.Scalar]) -> [ModelToken] {
        guard !word.isEmpty else { return [] }
        let key = TokenKey(word)
        if let hit = cache.withLock({ $0[key] }) { return hit }
        let tokens: [ModelToken]
        if ignoreMerges, let id = vocabulary[key] {
            tokens = [ModelToken(id: Int32(id), start: 0, end: Int32(word.count))]
        } else {
            tokens = merge(initialSymbols(word))
        }
        cache.withLock { cache in
            if cache.count >= Self.cacheCapacity { cache.removeAll(keepingCapacity: true) }
            cache[key] = tokens
        }
        return tokens
    }

    /// One symbol per character; unknown characters become byte tokens or (fused) unknown tokens.
    private func initialSymbols(_ word: [Unicode.Scalar]) -> [ModelToken] {
        var symbols: [ModelToken] = []
        symbols.reserveCapacity(word.count)
        var previousWasUnknown = false
        let decorated = continuingSubwordPrefix != nil || endOfWordSuffix != nil
        for (i, scalar) in word.enumerated() {
            let start = Int32(i)
            var id: Int32?
            if decorated {
                var text = String(scalar)
                if i > 0, let prefix = continuingSubwordPrefix { text = prefix + text }
                if i == word.count - 1, let suffix = endOfWordSuffix { text += suffix }
                id = vocabulary[TokenKey(text)].map { Int32($0) }
            } else {
                id = characterIDs[scalar.value]
            }
            if let id {
                symbols.append(ModelToken(id: id, start: start, end: start + 1))
                previousWasUnknown = false
                continue
            }
            if byteFallback {
                let bytes = Array(String(scalar).utf8)
                if bytes.allSatisfy({ byteIDs[Int($0)] >= 0 }) {
                    for b in bytes { symbols.append(ModelToken(id: byteIDs[Int(b)], start: start, end: start + 1)) }
                    previousWasUnknown = false
                    continue
                }
            }
            guard let unknownID else { continue }
            if fuseUnknown && previousWasUnknown {
                symbols[symbols.count - 1].end = start + 1
            } else {
                symbols.append(ModelToken(id: unknownID, start: start, end: start + 1))
            }
            previousWasUnknown = true
        }
        return symbols
    }

    private static let noMerge = UInt64.max

    @inline(__always)
    private func mergeEntry(_ left: Int32, _ right: Int32) -> UInt64 {
        merges[UInt64(UInt32(left)) << 32 | UInt64(UInt32(right))] ?? Self.noMerge
    }

    /// Applies merges, lowest rank first, leftmost first among equal ranks.
    private func merge(_ input: [ModelToken]) -> [ModelToken] {
        var symbols = input
        guard symbols.count > 1 else { return symbols }
        // pairs[i] is the merge entry of (symbols[i], symbols[i+1]); rank in the high half.
        var pairs = (0..<symbols.count - 1).map { mergeEntry(symbols[$0].id, symbols[$0 + 1].id) }
        while true {
            var best = Self.noMerge
            var bestIndex = -1
            for i in pairs.indices where pairs[i] >> 32 < best >> 32 {
                best = pairs[i]
                bestIndex = i
            }
            if bestIndex < 0 { break }
            symbols[bestIndex].id = Int32(truncatingIfNeeded: best & 0xFFFF_FFFF)
            symbols[bestIndex].end = symbols[bestIndex + 1].end
            symbols.remove(at: bestIndex + 1)
            pairs.remove(at: bestIndex)
            if bestIndex > 0 { pairs[bestIndex - 1] = mergeEntry(symbols[bestIndex - 1].id, symbols[bestIndex].id) }
            if bestIndex < pairs.count { pairs[bestIndex] = mergeEntry(symbols[bestIndex].id, symbols[bestIndex + 1].id) }
        }
        return symbols
    }
}
