/// Character classes as the Rust `tokenizers` crate and its Oniguruma regexes see them.
/// Scalars in the Basic Multilingual Plane are answered from a table built once from the
/// stdlib's Unicode properties (property lookups dominated encoding time); the rest directly.
enum UnicodeClasses {
    private static let letterBit: UInt8 = 1  // \p{L}
    private static let numberBit: UInt8 = 2  // \p{N}: Nd, Nl, No
    private static let whitespaceBit: UInt8 = 4  // White_Space
    private static let alphabeticBit: UInt8 = 8  // Alphabetic
    private static let wordBit: UInt8 = 16  // Oniguruma \w
    private static let punctuationBit: UInt8 = 32  // P*
    private static let combiningBit: UInt8 = 64  // may combine with the previous scalar (normalization)

    private static func computeFlags(_ s: Unicode.Scalar) -> UInt8 {
        let p = s.properties
        var flags: UInt8 = 0
        var isMark = false
        switch p.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: flags |= letterBit
        case .decimalNumber, .letterNumber, .otherNumber: flags |= numberBit
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation:
            flags |= punctuationBit
        case .nonspacingMark, .spacingMark, .enclosingMark: isMark = true
        default: break
        }
        if p.isWhitespace { flags |= whitespaceBit }
        if p.isAlphabetic { flags |= alphabeticBit }
        let category = p.generalCategory
        if p.isAlphabetic || isMark || category == .decimalNumber || category == .connectorPunctuation
            || s.value == 0x200C || s.value == 0x200D
        {
            flags |= wordBit
        }
        let v = s.value
        if v >= 0x300 && ((0x1160...0x11FF).contains(v) || isMark || p.canonicalCombiningClass != .notReordered) {
            flags |= combiningBit
        }
        return flags
    }

    private static let bmpFlags: [UInt8] = (0..<0x10000).map { v -> UInt8 in
        guard let s = Unicode.Scalar(UInt32(v)) else { return 0 }  // surrogates
        return computeFlags(s)
    }

    @inline(__always)
    private static func flags(_ s: Unicode.Scalar) -> UInt8 {
        s.value < 0x10000 ? bmpFlags[Int(s.value)] : computeFlags(s)
    }

    /// `\p{L}`: general category Letter.
    @inline(__always)
    static func isLetter(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return (v | 0x20) >= 0x61 && (v | 0x20) <= 0x7A }
        return flags(s) & letterBit != 0
    }

    /// `\p{N}` and Rust's `char::is_numeric`: Nd, Nl, No.
    @inline(__always)
    static func isNumber(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return v >= 0x30 && v <= 0x39 }
        return flags(s) & numberBit != 0
    }

    /// `\s` in Oniguruma and Rust's `char::is_whitespace`: the White_Space property.
    @inline(__always)
    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return v == 0x20 || (v >= 0x09 && v <= 0x0D) }
        return flags(s) & whitespaceBit != 0
    }

    /// Rust's `char::is_alphanumeric`: Alphabetic or Numeric.
    static func isAlphanumeric(_ s: Unicode.Scalar) -> Bool {
        flags(s) & (alphabeticBit | numberBit) != 0
    }

    /// Oniguruma's Unicode `\w`: Alphabetic, Mark, Decimal_Number, Connector_Punctuation, Join_Control.
    static func isWordCharacter(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 {
            return (v | 0x20) >= 0x61 && (v | 0x20) <= 0x7A || (v >= 0x30 && v <= 0x39) || v == 0x5F
        }
        return flags(s) & wordBit != 0
    }

    /// The `Punctuation` pre-tokenizer's test: ASCII punctuation or a Unicode P* category.
    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 {
            return (v >= 0x21 && v <= 0x2F) || (v >= 0x3A && v <= 0x40) || (v >= 0x5B && v <= 0x60)
                || (v >= 0x7B && v <= 0x7E)
        }
        return flags(s) & punctuationBit != 0
    }

    /// Whether a scalar may combine with the one before it under normalization: a non-zero
    /// combining class, a mark, or a Hangul medial / final jamo.
    static func continuesNormalizationSegment(_ s: Unicode.Scalar) -> Bool {
        s.value >= 0x300 && flags(s) & combiningBit != 0
    }
}
