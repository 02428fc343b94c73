import Foundation
import Synchronization

/// Rewrites text before pre-tokenization, keeping each scalar's alignment to the original.
protocol Normalizer: Sendable {
    func normalize(_ s: inout NormalizedString)
}

/// Builds a normalizer from its `tokenizer.json` object (`"type"` tag).
func makeNormalizer(_ reader: JSONReader) throws -> Normalizer {
    let type = try reader.type()
    switch type {
    case "NFC": return UnicodeNormalizer(form: .nfc)
    case "NFD": return UnicodeNormalizer(form: .nfd)
    case "NFKC": return UnicodeNormalizer(form: .nfkc)
    case "NFKD": return UnicodeNormalizer(form: .nfkd)
    case "Lowercase": return LowercaseNormalizer()
    case "Strip":
        return StripNormalizer(
            left: try reader.bool("strip_left", default: true), right: try reader.bool("strip_right", default: true))
    case "Prepend":
        return PrependNormalizer(prefix: try reader.requiredString("prepend").scalarArray)
    case "Replace":
        return ReplaceNormalizer(
            pattern: try SplitPattern.parse(try reader.requiredChild("pattern")),
            content: try reader.requiredString("content").scalarArray)
    case "Sequence":
        guard let items = try reader.array("normalizers") else {
            throw reader.error("Sequence needs \"normalizers\"")
        }
        return NormalizerSequence(steps: try items.map(makeNormalizer))
    default:
        throw reader.error("unsupported normalizer type \"\(type)\"")
    }
}

struct NormalizerSequence: Normalizer {
    let steps: [Normalizer]
    func normalize(_ s: inout NormalizedString) {
        for step in steps { step.normalize(&s) }
    }
}

/// NFC / NFD / NFKC / NFKD with the Rust crate's alignments. The crate normalizes with
/// `unicode-normalization-alignments`, whose output carries a change per scalar: each original
/// scalar decomposes to its first scalar (change 0) plus inserted ones (+1); canonical reordering
/// moves scalars together with their changes; a composition folds a scalar into its starter,
/// adding the absorbed change minus one. Replaying those changes against the original scalars
/// gives each output scalar's alignment (see `NormalizedString.apply(changes:)`).
/// Work is done per segment (a scalar and the scalars that may combine with it) and cached.
struct UnicodeNormalizer: Normalizer {
    enum Form { case nfc, nfd, nfkc, nfkd }
    let form: Form
    private let cache = NormalizationCache()

    /// Segment → normalized scalars with their changes; single-scalar decompositions; pair compositions.
    final class NormalizationCache: Sendable {
        struct Tables {
            var segments: [[Unicode.Scalar]: [(Unicode.Scalar, Int)]] = [:]
            var decompositions: [UInt32: [Unicode.Scalar]] = [:]
            var compositions: [UInt64: UInt32] = [:]  // 0: the pair does not compose
        }
        let tables = Mutex(Tables())
    }

    init(form: Form) { self.form = form }

    func normalize(_ s: inout NormalizedString) {
        // ASCII is invariant under all four forms.
        if s.scalars.allSatisfy({ $0.isASCII }) { return }
        let n = s.count
        var out = NormalizedString(scalars: [], starts: [], ends: [])
        out.scalars.reserveCapacity(n)
        out.starts.reserveCapacity(n)
        out.ends.reserveCapacity(n)
        cache.tables.withLock { tables in
            if tables.segments.count > 50_000 { tables.segments.removeAll(keepingCapacity: true) }
            var i = 0
            while i < n {
                var j = i + 1
                while j < n && UnicodeClasses.continuesNormalizationSegment(s.scalars[j]) { j += 1 }
                let first = s.scalars[i].value
                // Below U+00A0 every form is the identity (and a lone scalar below U+0300 is NFC).
                if j == i + 1 && (first < 0xA0 || (form == .nfc && first < 0x300)) {
                    out.scalars.append(s.scalars[i]); out.starts.append(s.starts[i]); out.ends.append(s.ends[i])
                    i = j
                    continue
                }
                let input = Array(s.scalars[i..<j])
                let changes: [(Unicode.Scalar, Int)]
                if let hit = tables.segments[input] {
                    changes = hit
                } else {
                    changes = segmentChanges(input, &tables)
                    tables.segments[input] = changes
                }
                // Replay the changes against the original scalars i..<j.
                var p = i
                for (scalar, change) in changes {
                    let start: Int
                    let end: Int
                    if change > 0 || p >= j {
                        if p > 0 { start = s.starts[p - 1]; end = s.ends[p - 1] } else { start = 0; end = 0 }
                    } else {
                        start = s.starts[p]; end = s.ends[p]
                        p = min(j, p + 1 - change)
                    }
                    out.scalars.append(scalar); out.starts.append(start); out.ends.append(end)
                }
                i = j
            }
        }
        s = out
    }

    /// The normalized scalars of one segment with their alignment changes.
    private func segmentChanges(
        _ input: [Unicode.Scalar], _ tables: inout NormalizationCache.Tables
    ) -> [(Unicode.Scalar, Int)] {
        let compatibility = form == .nfkc || form == .nfkd
        // 1. Decompose each scalar on its own.
        var stream: [(Unicode.Scalar, Int)] = []
        for scalar in input {
            let parts: [Unicode.Scalar]
            if let hit = tables.decompositions[scalar.value] {
                parts = hit
            } else {
                let text = String(scalar)
                parts = (compatibility ? text.decompositionCompat : text.decompositionCanonical).scalarArray
                tables.decompositions[scalar.value] = parts
            }
            for (k, part) in parts.enumerated() { stream.append((part, k == 0 ? 0 : 1)) }
        }
        // 2. Canonical ordering: stable sort of each run of non-starters by combining class.
        var k = 0
        while k < stream.count {
            guard Self.combiningClass(stream[k].0) != 0 else { k += 1; continue }
            var end = k
            while end < stream.count && Self.combiningClass(stream[end].0) != 0 { end += 1 }
            let run = stream[k..<end].enumerated().sorted {
                let a = Self.combiningClass($0.element.0), b = Self.combiningClass($1.element.0)
                return a != b ? a < b : $0.offset < $1.offset
            }.map(\.element)
            stream.replaceSubrange(k..<end, with: run)
            k = end
        }
        // 3. Canonical composition (UAX #15), folding changes into the starter.
        var result = stream
        if form == .nfc || form == .nfkc {
            result = []
            var starter: Int? = nil  // index in result
            var lastClass: UInt8? = nil  // class of the last scalar kept after the starter
            for (scalar, change) in stream {
                let cc = Self.combiningClass(scalar)
                if let si = starter {
                    let blocked = lastClass.map { $0 >= cc || $0 == 0 } ?? false
                    if !blocked, let composed = compose(result[si].0, scalar, &tables) {
                        result[si] = (composed, result[si].1 + change - 1)
                        continue
                    }
                }
                result.append((scalar, change))
                if cc == 0 {
                    starter = result.count - 1
                    lastClass = nil
                } else {
                    lastClass = cc
                }
            }
        }
        // Guard against any disagreement with Foundation's normalizer: fall back to aligning
        // output k with input k.
        let expected = normalized(input.string).scalarArray
        if result.map(\.0) != expected {
            return expected.enumerated().map { k, scalar in
                (scalar, k < input.count ? (k == expected.count - 1 ? -(input.count - 1 - k) : 0) : 1)
            }
        }
        return result
    }

    private static func combiningClass(_ s: Unicode.Scalar) -> UInt8 {
        s.value < 0x300 ? 0 : s.properties.canonicalCombiningClass.rawValue
    }

    /// The primary composite of `a` + `b`, if any (asked of Foundation once per pair).
    private func compose(_ a: Unicode.Scalar, _ b: Unicode.Scalar, _ tables: inout NormalizationCache.Tables) -> Unicode.Scalar? {
        // Hangul is algorithmic (and Foundation on Linux does not compose LV + T).
        let (sBase, lBase, vBase, tBase): (UInt32, UInt32, UInt32, UInt32) = (0xAC00, 0x1100, 0x1161, 0x11A7)
        if (lBase..<lBase + 19).contains(a.value) && (vBase..<vBase + 21).contains(b.value) {
            return Unicode.Scalar(sBase + ((a.value - lBase) * 21 + (b.value - vBase)) * 28)
        }
        if (sBase..<sBase + 11172).contains(a.value) && (a.value - sBase) % 28 == 0
            && (tBase + 1..<tBase + 28).contains(b.value)
        {
            return Unicode.Scalar(a.value + (b.value - tBase))
        }
        let key = UInt64(a.value) << 32 | UInt64(b.value)
        if let hit = tables.compositions[key] { return hit == 0 ? nil : Unicode.Scalar(hit) }
        let composed = [a, b].string.precomposedStringWithCanonicalMapping.unicodeScalars
        let result = composed.count == 1 ? composed.first : nil
        tables.compositions[key] = result?.value ?? 0
        return result
    }

    private func normalized(_ text: String) -> String {
        switch form {
        case .nfc: return text.precomposedStringWithCanonicalMapping
        case .nfd: return text.decomposedStringWithCanonicalMapping
        case .nfkc: return text.precomposedStringWithCompatibilityMapping
        case .nfkd: return text.decomposedStringWithCompatibilityMapping
        }
    }
}

extension String {
    fileprivate var decompositionCanonical: String { decomposedStringWithCanonicalMapping }
    fileprivate var decompositionCompat: String { decomposedStringWithCompatibilityMapping }
}

/// `Lowercase`: full Unicode lowercase mapping (Rust's `char::to_lowercase`).
struct LowercaseNormalizer: Normalizer {
    func normalize(_ s: inout NormalizedString) {
        s.mapScalars { scalar in
            let v = scalar.value
            if v < 0x80 { return v >= 0x41 && v <= 0x5A ? [Unicode.Scalar(UInt8(v + 0x20))] : nil }
            guard scalar.properties.changesWhenLowercased else { return nil }
            let lower = scalar.properties.lowercaseMapping
            return lower.unicodeScalars.count == 1 && lower.unicodeScalars.first == scalar ? nil : lower.scalarArray
        }
    }
}

struct StripNormalizer: Normalizer {
    let left: Bool
    let right: Bool
    func normalize(_ s: inout NormalizedString) {
        s.strip(left: left, right: right, UnicodeClasses.isWhitespace)
    }
}

struct PrependNormalizer: Normalizer {
    let prefix: [Unicode.Scalar]
    func normalize(_ s: inout NormalizedString) {
        s.prepend(prefix)
    }
}

/// `Replace`: every match of the pattern becomes `content`.
struct ReplaceNormalizer: Normalizer {
    let pattern: SplitPattern
    let content: [Unicode.Scalar]
    func normalize(_ s: inout NormalizedString) {
        // Right to left, so earlier ranges stay valid.
        for range in pattern.matches(in: s.scalars).reversed() {
            // Rust's `NormalizedString::replace` inserts the new text after removing the match,
            // so every new scalar takes the alignment of the match's LAST scalar.
            let last = range.upperBound - 1
            let n = content.count
            s.scalars.replaceSubrange(range, with: content)
            s.starts.replaceSubrange(range, with: repeatElement(s.starts[last], count: n))
            s.ends.replaceSubrange(range, with: repeatElement(s.ends[last], count: n))
        }
    }
}
