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
    private static let maxCachedWordLength = 256

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
        for (rank, entry) in (try reader.array("merges") ?? []).enumerated() {
            let pair: (String, String)
            if let text = entry.value.string {
                // Split on the byte, as Rust does: a Character split would glue a space to a
                // following combining mark.
                let parts = text.utf8.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
                guard parts.count == 2 else { throw entry.error("expected \"a b\" or [\"a\",\"b\"]") }
                pair = (String(decoding: parts[0], as: UTF8.self), String(decoding: parts[1], as: UTF8.self))
            } else if let items = entry.value.array, items.count == 2, let a = items[0].string, let b = items[1].string {
                pair = (a, b)
            } else {
                throw entry.error("expected \"a b\" or [\"a\",\"b\"]")
            }
            guard let left = vocabulary[TokenKey(pair.0)] else { throw entry.error("token \"\(pair.0)\" is not in the vocabulary") }
            guard let right = vocabulary[TokenKey(pair.1)] else { throw entry.error("token \"\(pair.1)\" is not in the vocabulary") }
            let merged = pair.0 + pair.1.droppingUTF8Prefix(continuingSubwordPrefix)
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
        // Long words (a whole line under Metaspace without split) are rarely repeated: not cached.
        let cacheable = word.count <= Self.maxCachedWordLength
        if cacheable, let hit = cache.withLock({ $0[key] }) { return hit }
        let tokens: [ModelToken]
        if ignoreMerges, let id = vocabulary[key] {
            tokens = [ModelToken(id: Int32(id), start: 0, end: Int32(word.count))]
        } else {
            tokens = merge(initialSymbols(word))
        }
        if cacheable {
            cache.withLock { cache in
                if cache.count >= Self.cacheCapacity { cache.removeAll(keepingCapacity: true) }
                cache[key] = tokens
            }
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

    /// Applies merges exactly as the Rust crate's `Word::merge_all`: a min-heap of candidate
    /// merges ordered by (rank, position); an entry is stale, and skipped, when its left symbol
    /// was consumed or the pair now there does not produce the same token.
    private func merge(_ input: [ModelToken]) -> [ModelToken] {
        var symbols = input
        let n = symbols.count
        guard n > 1 else { return symbols }
        var next = Array(1...n)  // n: no next
        var prev = Array(-1..<(n - 1))
        var alive = [Bool](repeating: true, count: n)
        var heap = MergeHeap()
        for i in 0..<(n - 1) {
            let entry = mergeEntry(symbols[i].id, symbols[i + 1].id)
            if entry != Self.noMerge { heap.push(entry, at: i) }
        }
        while let (entry, pos) = heap.pop() {
            guard alive[pos], next[pos] < n else { continue }
            let right = next[pos]
            let newID = Int32(truncatingIfNeeded: entry & 0xFFFF_FFFF)
            let current = mergeEntry(symbols[pos].id, symbols[right].id)
            guard current != Self.noMerge, Int32(truncatingIfNeeded: current & 0xFFFF_FFFF) == newID else { continue }
            symbols[pos].id = newID
            symbols[pos].end = symbols[right].end
            alive[right] = false
            next[pos] = next[right]
            if next[pos] < n { prev[next[pos]] = pos }
            if prev[pos] >= 0 {
                let left = prev[pos]
                let e = mergeEntry(symbols[left].id, newID)
                if e != Self.noMerge { heap.push(e, at: left) }
            }
            if next[pos] < n {
                let e = mergeEntry(newID, symbols[next[pos]].id)
                if e != Self.noMerge { heap.push(e, at: pos) }
            }
        }
        var out: [ModelToken] = []
        out.reserveCapacity(n)
        for i in 0..<n where alive[i] { out.append(symbols[i]) }
        return out
    }
}

/// A binary min-heap of (merge entry, position) ordered by (rank, position), as Rust's
/// `BinaryHeap<Merge>` with its reversed `Ord`.
private struct MergeHeap {
    /// Rank in the high 32 bits, position in the low 32 bits: one integer comparison.
    private var keys: [UInt64] = []
    private var entries: [UInt64] = []

    mutating func push(_ entry: UInt64, at position: Int) {
        keys.append((entry >> 32) << 32 | UInt64(UInt32(truncatingIfNeeded: position)))
        entries.append(entry)
        var child = keys.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard keys[child] < keys[parent] else { break }
            keys.swapAt(child, parent)
            entries.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (UInt64, Int)? {
        guard let top = keys.first else { return nil }
        let entry = entries[0]
        let last = keys.count - 1
        keys.swapAt(0, last)
        entries.swapAt(0, last)
        keys.removeLast()
        entries.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < keys.count else { break }
            var smallest = left
            if left + 1 < keys.count && keys[left + 1] < keys[left] { smallest = left + 1 }
            guard keys[smallest] < keys[parent] else { break }
            keys.swapAt(smallest, parent)
            entries.swapAt(smallest, parent)
            parent = smallest
        }
        return (entry, Int(top & 0xFFFF_FFFF))
    }
}
