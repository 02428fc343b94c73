/// Character classes as the Rust `tokenizers` crate and its Oniguruma regexes see them.
/// ASCII is answered from a table; the rest from the stdlib's Unicode properties.
enum UnicodeClasses {
    /// `\p{L}`: general category Letter.
    @inline(__always)
    static func isLetter(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return (v | 0x20) >= 0x61 && (v | 0x20) <= 0x7A }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    /// `\p{N}` and Rust's `char::is_numeric`: Nd, Nl, No.
    @inline(__always)
    static func isNumber(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return v >= 0x30 && v <= 0x39 }
        switch s.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    /// `\s` in Oniguruma and Rust's `char::is_whitespace`: the White_Space property.
    @inline(__always)
    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return v == 0x20 || (v >= 0x09 && v <= 0x0D) }
        return s.properties.isWhitespace
    }

    /// Rust's `char::is_alphanumeric`: Alphabetic or Numeric.
    static func isAlphanumeric(_ s: Unicode.Scalar) -> Bool {
        s.properties.isAlphabetic || isNumber(s)
    }

    /// Oniguruma's Unicode `\w`: Alphabetic, Mark, Decimal_Number, Connector_Punctuation, Join_Control.
    static func isWordCharacter(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 {
            return (v | 0x20) >= 0x61 && (v | 0x20) <= 0x7A || (v >= 0x30 && v <= 0x39) || v == 0x5F
        }
        if s.properties.isAlphabetic || v == 0x200C || v == 0x200D { return true }
        switch s.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
        default: return false
        }
    }

    /// The `Punctuation` pre-tokenizer's test: ASCII punctuation or a Unicode P* category.
    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 {
            return (v >= 0x21 && v <= 0x2F) || (v >= 0x3A && v <= 0x40) || (v >= 0x5B && v <= 0x60)
                || (v >= 0x7B && v <= 0x7E)
        }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default: return false
        }
    }
}
