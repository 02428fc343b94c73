/// What a split does with the pieces a pattern matched, as the Rust crate's
/// `SplitDelimiterBehavior` (`normalizer.rs`, `NormalizedString::split`).
enum SplitBehavior: String, Sendable {
    case removed = "Removed"
    case isolated = "Isolated"
    case mergedWithPrevious = "MergedWithPrevious"
    case mergedWithNext = "MergedWithNext"
    case contiguous = "Contiguous"

    /// Turns `(range, isMatch)` pieces covering a string into the ranges to keep (empty ones dropped).
    func apply(_ pieces: [(range: Range<Int>, isMatch: Bool)]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        switch self {
        case .removed:
            out = pieces.filter { !$0.isMatch }.map(\.range)
        case .isolated:
            out = pieces.map(\.range)
        case .mergedWithPrevious:
            var previousMatch = false
            for piece in pieces {
                if piece.isMatch && !previousMatch, let last = out.last {
                    out[out.count - 1] = last.lowerBound..<piece.range.upperBound
                } else {
                    out.append(piece.range)
                }
                previousMatch = piece.isMatch
            }
        case .mergedWithNext:
            var previousMatch = false
            for piece in pieces.reversed() {
                if piece.isMatch && !previousMatch, let last = out.last {
                    out[out.count - 1] = piece.range.lowerBound..<last.upperBound
                } else {
                    out.append(piece.range)
                }
                previousMatch = piece.isMatch
            }
            out.reverse()
        case .contiguous:
            var previousMatch = false
            for piece in pieces {
                if piece.isMatch == previousMatch, let last = out.last {
                    out[out.count - 1] = last.lowerBound..<piece.range.upperBound
                } else {
                    out.append(piece.range)
                }
                previousMatch = piece.isMatch
            }
        }
        return out.filter { !$0.isEmpty }
    }
}

/// Builds `(range, isMatch)` pieces covering `0..<count` from sorted, non-overlapping matches.
func coveringPieces(matches: [Range<Int>], count: Int) -> [(range: Range<Int>, isMatch: Bool)] {
    var pieces: [(range: Range<Int>, isMatch: Bool)] = []
    pieces.reserveCapacity(matches.count * 2 + 1)
    var previous = 0
    for m in matches {
        if previous < m.lowerBound { pieces.append((previous..<m.lowerBound, false)) }
        pieces.append((m, true))
        previous = m.upperBound
    }
    if previous < count { pieces.append((previous..<count, false)) }
    return pieces
}

/// Splits every piece into the sub-ranges `ranges(piece)` returns, dropping empty results.
func splitEach(_ pieces: [NormalizedString], _ ranges: (NormalizedString) -> [Range<Int>]) -> [NormalizedString] {
    var out: [NormalizedString] = []
    out.reserveCapacity(pieces.count)
    for piece in pieces where !piece.isEmpty {
        let parts = ranges(piece)
        if parts.count == 1 && parts[0] == 0..<piece.count {
            out.append(piece)
        } else {
            for r in parts where !r.isEmpty { out.append(piece.slice(r)) }
        }
    }
    return out
}
