import Foundation

/// Turns token strings back into text. Like the Rust crate's `decode_chain`, each decoder maps
/// the list of token strings to a new list; the tokenizer joins the final list.
protocol TokenDecoder: Sendable {
    func decodeChain(_ tokens: [String]) -> [String]
}

/// Builds a decoder from its `tokenizer.json` object (`"type"` tag).
func makeDecoder(_ reader: JSONReader) throws -> TokenDecoder {
    let type = try reader.type()
    switch type {
    case "ByteLevel": return ByteLevelDecoder()
    case "Metaspace":
        let pre = try MetaspacePreTokenizer(reader)
        return MetaspaceDecoder(replacement: pre.replacement, stripFirst: pre.prependScheme != .never)
    case "ByteFallback": return ByteFallbackDecoder()
    case "Fuse": return FuseDecoder()
    case "Strip":
        let content = try reader.requiredString("content")
        guard content.unicodeScalars.count == 1, let scalar = content.unicodeScalars.first else {
            throw reader.error("content: expected a single character")
        }
        return StripDecoder(content: scalar, start: try reader.int("start") ?? 0, stop: try reader.int("stop") ?? 0)
    case "Replace":
        return ReplaceDecoder(
            pattern: try SplitPattern.parse(try reader.requiredChild("pattern")),
            content: try reader.requiredString("content").scalarArray)
    case "WordPiece":
        return WordPieceDecoder(prefix: try reader.string("prefix") ?? "##", cleanup: try reader.bool("cleanup", default: true))
    case "BPEDecoder":
        return BPESuffixDecoder(suffix: try reader.string("suffix") ?? "</w>")
    case "Sequence":
        guard let items = try reader.array("decoders") else { throw reader.error("Sequence needs \"decoders\"") }
        return DecoderSequence(steps: try items.map(makeDecoder))
    default:
        throw reader.error("unsupported decoder type \"\(type)\"")
    }
}

struct DecoderSequence: TokenDecoder {
    let steps: [TokenDecoder]
    func decodeChain(_ tokens: [String]) -> [String] {
        steps.reduce(tokens) { $1.decodeChain($0) }
    }
}

/// Byte-level tokens back to bytes, then lossy UTF-8. A token with a character outside the
/// table (an added token, say) contributes its own UTF-8 bytes.
struct ByteLevelDecoder: TokenDecoder {
    func decodeChain(_ tokens: [String]) -> [String] {
        var bytes: [UInt8] = []
        let table = ByteLevelTable.scalarToByte
        for token in tokens {
            let start = bytes.count
            var inTable = true
            for scalar in token.unicodeScalars {
                guard let b = table[scalar.value] else { inTable = false; break }
                bytes.append(b)
            }
            if !inTable {
                bytes.removeSubrange(start...)
                bytes += Array(token.utf8)
            }
        }
        return [String(decoding: bytes, as: UTF8.self)]
    }
}

/// `▁` back to spaces; in the first token every `▁` is dropped when a prefix was prepended
/// (what the Rust crate does, not just the leading one).
struct MetaspaceDecoder: TokenDecoder {
    let replacement: Unicode.Scalar
    let stripFirst: Bool
    func decodeChain(_ tokens: [String]) -> [String] {
        tokens.enumerated().map { i, token in
            var out = String.UnicodeScalarView()
            for c in token.unicodeScalars {
                if c == replacement {
                    if !(i == 0 && stripFirst) { out.append(" ") }
                } else {
                    out.append(c)
                }
            }
            return String(out)
        }
    }
}

/// Runs of `<0xAB>` tokens become the UTF-8 text they spell, or one U+FFFD per byte if invalid.
struct ByteFallbackDecoder: TokenDecoder {
    static func byteValue(_ token: String) -> UInt8? {
        let utf8 = Array(token.utf8)
        guard utf8.count == 6, utf8[0] == UInt8(ascii: "<"), utf8[1] == UInt8(ascii: "0"), utf8[2] == UInt8(ascii: "x"),
            utf8[5] == UInt8(ascii: ">")
        else { return nil }
        return UInt8(String(decoding: utf8[3..<5], as: UTF8.self), radix: 16)
    }

    func decodeChain(_ tokens: [String]) -> [String] {
        var out: [String] = []
        var pending: [UInt8] = []
        func flush() {
            guard !pending.isEmpty else { return }
            if let text = String(validating: pending, as: UTF8.self) {
                out.append(text)
            } else {
                out += Array(repeating: "\u{FFFD}", count: pending.count)
            }
            pending.removeAll()
        }
        for token in tokens {
            if let b = Self.byteValue(token) {
                pending.append(b)
            } else {
                flush()
                out.append(token)
            }
        }
        flush()
        return out
    }
}

struct FuseDecoder: TokenDecoder {
    func decodeChain(_ tokens: [String]) -> [String] { [tokens.joined()] }
}

/// Removes up to `start` leading and `stop` trailing `content` characters from each token.
struct StripDecoder: TokenDecoder {
    let content: Unicode.Scalar
    let start: Int
    let stop: Int
    func decodeChain(_ tokens: [String]) -> [String] {
        tokens.map { token in
            var scalars = token.scalarArray
            var lower = 0
            while lower < start && lower < scalars.count && scalars[lower] == content { lower += 1 }
            var upper = scalars.count
            var removed = 0
            while removed < stop && upper > lower && scalars[upper - 1] == content { upper -= 1; removed += 1 }
            scalars = Array(scalars[lower..<upper])
            return scalars.string
        }
    }
}

struct ReplaceDecoder: TokenDecoder {
    let pattern: SplitPattern
    let content: [Unicode.Scalar]
    func decodeChain(_ tokens: [String]) -> [String] {
        tokens.map { token in
            var scalars = token.scalarArray
            for range in pattern.matches(in: scalars).reversed() { scalars.replaceSubrange(range, with: content) }
            return scalars.string
        }
    }
}

/// WordPiece: `##` continuations glue to the previous token, others get a space.
struct WordPieceDecoder: TokenDecoder {
    let prefix: String
    let cleanup: Bool
    func decodeChain(_ tokens: [String]) -> [String] {
        tokens.enumerated().map { i, token in
            var t = token
            if i != 0 {
                let stripped = t.droppingUTF8Prefix(prefix)
                t = stripped.utf8.count != t.utf8.count ? stripped : " " + t
            }
            if cleanup {
                for (from, to) in [(" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"),
                                   (" 'm", "'m"), (" do not", " don't"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re")] {
                    t = t.replacingOccurrences(of: from, with: to)
                }
            }
            return t
        }
    }
}

/// `BPEDecoder`: the end-of-word suffix becomes a space (none after the last token).
struct BPESuffixDecoder: TokenDecoder {
    let suffix: String
    func decodeChain(_ tokens: [String]) -> [String] {
        tokens.enumerated().map { i, token in
            token.replacingOccurrences(of: suffix, with: i == tokens.count - 1 ? "" : " ")
        }
    }
}
