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

/// NFC / NFD / NFKC / NFKD, applied one composition segment at a time so alignments stay local.
/// A segment is a scalar plus the following scalars that may combine with it (non-zero
/// combining class, marks, Hangul medial / final jamo).
struct UnicodeNormalizer: Normalizer {
    enum Form { case nfc, nfd, nfkc, nfkd }
    let form: Form
    /// Normalized scalars per segment (exact scalars as key). Foundation's normalization is slow
    /// per call and text reuses few distinct segments.
    private let cache = NormalizationCache()

    final class NormalizationCache: Sendable {
        let table = Mutex<[[Unicode.Scalar]: [Unicode.Scalar]]>([:])
    }

    init(form: Form) { self.form = form }

    @inline(__always)
    private static func continuesSegment(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x300 { return false }
        if (0x1160...0x11FF).contains(v) { return true }  // Hangul jungseong / jongseong
        if s.properties.canonicalCombiningClass != .notReordered { return true }
        switch s.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    func normalize(_ s: inout NormalizedString) {
        // ASCII is invariant under all four forms.
        if s.scalars.allSatisfy({ $0.isASCII }) { return }
        let n = s.count
        var out = NormalizedString(scalars: [], starts: [], ends: [])
        out.scalars.reserveCapacity(n)
        out.starts.reserveCapacity(n)
        out.ends.reserveCapacity(n)
        cache.table.withLock { table in
            if table.count > 50_000 { table.removeAll(keepingCapacity: true) }
            var i = 0
            while i < n {
                var j = i + 1
                while j < n && Self.continuesSegment(s.scalars[j]) { j += 1 }
                let first = s.scalars[i].value
                // Below U+00A0 every form is the identity; below U+0300 NFC is.
                if j == i + 1 && (first < 0xA0 || (form == .nfc && first < 0x300)) {
                    out.scalars.append(s.scalars[i]); out.starts.append(s.starts[i]); out.ends.append(s.ends[i])
                    i = j
                    continue
                }
                let input = Array(s.scalars[i..<j])
                let output: [Unicode.Scalar]
                if let hit = table[input] {
                    output = hit
                } else {
                    output = normalized(input.string).scalarArray
                    table[input] = output
                }
                if output == input {
                    out.scalars += input
                    out.starts += s.starts[i..<j]
                    out.ends += s.ends[i..<j]
                } else {
                    var piece = s.slice(i..<j)
                    piece.replace(0..<(j - i), with: output)
                    out.scalars += piece.scalars
                    out.starts += piece.starts
                    out.ends += piece.ends
                }
                i = j
            }
        }
        s = out
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

/// `Lowercase`: full Unicode lowercase mapping (Rust's `char::to_lowercase`).
struct LowercaseNormalizer: Normalizer {
    func normalize(_ s: inout NormalizedString) {
        s.mapScalars { scalar in
            let v = scalar.value
            if v < 0x80 { return v >= 0x41 && v <= 0x5A ? [Unicode.Scalar(v + 0x20)!] : nil }
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
            s.replace(range, with: content)
        }
    }
}
