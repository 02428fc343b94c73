/// A piece of the input as the pipeline transforms it, mirroring the Rust crate's
/// `NormalizedString`: every current scalar remembers the range of ORIGINAL scalars it came
/// from, so token offsets can be reported in the original string (Python `tokenizers` reports
/// character, i.e. Unicode scalar, offsets).
struct NormalizedString: Sendable {
    var scalars: [Unicode.Scalar]
    /// Original start / end (exclusive) of each scalar in `scalars`.
    var starts: [Int]
    var ends: [Int]

    init(original: ArraySlice<Unicode.Scalar>) {
        scalars = Array(original)
        starts = Array(original.indices)
        ends = original.indices.map { $0 + 1 }
    }

    init(scalars: [Unicode.Scalar], starts: [Int], ends: [Int]) {
        self.scalars = scalars
        self.starts = starts
        self.ends = ends
    }

    var isEmpty: Bool { scalars.isEmpty }
    var count: Int { scalars.count }
    var string: String {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars)
        return String(s)
    }

    /// The original range covered by current scalars `range` (as Rust's `convert_offsets`).
    func originalRange(_ range: Range<Int>) -> Range<Int> {
        if range.isEmpty {
            let at = range.lowerBound < starts.count ? starts[range.lowerBound] : (ends.last ?? 0)
            return at..<at
        }
        return starts[range.lowerBound]..<ends[range.upperBound - 1]
    }

    func slice(_ range: Range<Int>) -> NormalizedString {
        NormalizedString(scalars: Array(scalars[range]), starts: Array(starts[range]), ends: Array(ends[range]))
    }

    /// Replaces each scalar by zero or more scalars; all of them keep the alignment of the scalar
    /// they came from (the Rust crate aligns inserted characters with their predecessor).
    mutating func mapScalars(_ transform: (Unicode.Scalar) -> [Unicode.Scalar]?) {
        var newScalars: [Unicode.Scalar] = []
        var newStarts: [Int] = []
        var newEnds: [Int] = []
        newScalars.reserveCapacity(scalars.count)
        newStarts.reserveCapacity(scalars.count)
        newEnds.reserveCapacity(scalars.count)
        for i in scalars.indices {
            guard let replacement = transform(scalars[i]) else {
                newScalars.append(scalars[i]); newStarts.append(starts[i]); newEnds.append(ends[i])
                continue
            }
            for r in replacement {
                newScalars.append(r); newStarts.append(starts[i]); newEnds.append(ends[i])
            }
        }
        scalars = newScalars
        starts = newStarts
        ends = newEnds
    }

    /// Replaces `range` by `replacement`. Output scalar k takes the alignment of input scalar k
    /// of the range while there is one and of its predecessor after that; surplus input scalars
    /// are dropped. This is what the Rust crate's `transform_range` does for a run of changes
    /// `0, 0, …, +1, +1` or `0, …, 0, -n`.
    mutating func replace(_ range: Range<Int>, with replacement: [Unicode.Scalar]) {
        var newStarts: [Int] = []
        var newEnds: [Int] = []
        for k in replacement.indices {
            if k < range.count {
                newStarts.append(starts[range.lowerBound + k]); newEnds.append(ends[range.lowerBound + k])
            } else if let s = newStarts.last, let e = newEnds.last {
                newStarts.append(s); newEnds.append(e)
            } else if range.lowerBound > 0 {
                newStarts.append(starts[range.lowerBound - 1]); newEnds.append(ends[range.lowerBound - 1])
            } else {
                newStarts.append(0); newEnds.append(0)
            }
        }
        scalars.replaceSubrange(range, with: replacement)
        starts.replaceSubrange(range, with: newStarts)
        ends.replaceSubrange(range, with: newEnds)
    }

    /// Prepends `prefix`; every prepended scalar takes the first scalar's alignment (Rust `prepend`).
    mutating func prepend(_ prefix: [Unicode.Scalar]) {
        guard let first = scalars.first, !prefix.isEmpty else { return }
        replace(0..<1, with: prefix + [first])
    }

    /// Drops leading and trailing scalars for which `predicate` holds.
    mutating func strip(left: Bool, right: Bool, _ predicate: (Unicode.Scalar) -> Bool) {
        var lower = 0
        var upper = scalars.count
        if left { while lower < upper, predicate(scalars[lower]) { lower += 1 } }
        if right { while upper > lower, predicate(scalars[upper - 1]) { upper -= 1 } }
        if lower != 0 || upper != scalars.count { self = slice(lower..<upper) }
    }
}

extension String {
    var scalarArray: [Unicode.Scalar] { Array(unicodeScalars) }
}

extension Array where Element == Unicode.Scalar {
    var string: String {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: self)
        return String(s)
    }
}
