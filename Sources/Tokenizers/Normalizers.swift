import Foundation

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

/// NFC / NFD / NFKC / NFKD, applied one grapheme cluster at a time so alignments stay local.
struct UnicodeNormalizer: Normalizer {
    enum Form { case nfc, nfd, nfkc, nfkd }
    let form: Form

    func normalize(_ s: inout NormalizedString) {
        // ASCII is invariant under all four forms.
        if s.scalars.allSatisfy({ $0.isASCII }) { return }
        let text = s.string
        var out = NormalizedString(scalars: [], starts: [], ends: [])
        out.scalars.reserveCapacity(s.count)
        var index = 0
        for character in text {
            let count = character.unicodeScalars.count
            let input = Array(s.scalars[index..<index + count])
            let output = character.isASCII ? input : normalized(String(character)).scalarArray
            var piece = s.slice(index..<index + count)
            if output != input { piece.replace(0..<count, with: output) }
            out.scalars += piece.scalars
            out.starts += piece.starts
            out.ends += piece.ends
            index += count
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
