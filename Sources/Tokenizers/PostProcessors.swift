/// Adds special tokens (BOS/EOS, CLS/SEP) and adjusts offsets after the model.
protocol PostProcessor: Sendable {
    func process(_ encoding: inout Encoding, addSpecialTokens: Bool)
}

/// Builds a post-processor from its `tokenizer.json` object (`"type"` tag).
func makePostProcessor(_ reader: JSONReader) throws -> PostProcessor {
    let type = try reader.type()
    switch type {
    case "TemplateProcessing": return try TemplateProcessor(reader)
    case "ByteLevel": return ByteLevelOffsetTrimmer(trimOffsets: try reader.bool("trim_offsets", default: true), addPrefixSpace: try reader.bool("add_prefix_space", default: true))
    case "RobertaProcessing", "BertProcessing":
        let trims = type == "RobertaProcessing" ? try reader.bool("trim_offsets", default: true) : false
        let addPrefixSpace = try reader.bool("add_prefix_space", default: true)
        return SurroundingProcessor(
            cls: try specialPair(reader, "cls"), sep: try specialPair(reader, "sep"),
            trimmer: trims ? ByteLevelOffsetTrimmer(trimOffsets: true, addPrefixSpace: addPrefixSpace) : nil)
    case "Sequence":
        guard let items = try reader.array("processors") else { throw reader.error("Sequence needs \"processors\"") }
        return PostProcessorSequence(steps: try items.map(makePostProcessor))
    default:
        throw reader.error("unsupported post_processor type \"\(type)\"")
    }
}

private func specialPair(_ reader: JSONReader, _ key: String) throws -> (String, Int) {
    let child = try reader.requiredChild(key)
    guard let items = child.value.array, items.count == 2, let token = items[0].string, let id = items[1].int else {
        throw child.error("expected [\"token\", id]")
    }
    return (token, id)
}

struct PostProcessorSequence: PostProcessor {
    let steps: [PostProcessor]
    func process(_ encoding: inout Encoding, addSpecialTokens: Bool) {
        for step in steps { step.process(&encoding, addSpecialTokens: addSpecialTokens) }
    }
}

/// `TemplateProcessing` for single sequences: `SpecialToken` pieces around the `Sequence` piece.
struct TemplateProcessor: PostProcessor {
    enum Piece {
        case sequence
        case special(ids: [Int], tokens: [String])
    }
    let pieces: [Piece]

    init(_ reader: JSONReader) throws {
        let specials = reader.child("special_tokens")
        guard let single = try reader.array("single") else { throw reader.error("single: missing") }
        pieces = try single.map { item in
            if item.child("Sequence") != nil { return .sequence }
            guard let special = item.child("SpecialToken") else {
                throw item.error("expected {\"Sequence\": …} or {\"SpecialToken\": …}")
            }
            let name = try special.requiredString("id")
            guard let entry = specials?.child(name) else {
                throw item.error("special token \"\(name)\" is not in special_tokens")
            }
            let ids = try (entry.array("ids") ?? []).map { r -> Int in
                guard let id = r.value.int else { throw r.error("expected an integer") }
                return id
            }
            let tokens = try (entry.array("tokens") ?? []).map { r -> String in
                guard let t = r.value.string else { throw r.error("expected a string") }
                return t
            }
            guard ids.count == tokens.count else { throw entry.error("ids and tokens differ in length") }
            return .special(ids: ids, tokens: tokens)
        }
    }

    init(pieces: [Piece]) { self.pieces = pieces }

    func process(_ encoding: inout Encoding, addSpecialTokens: Bool) {
        guard addSpecialTokens else { return }
        var out = Encoding()
        for piece in pieces {
            switch piece {
            case .sequence:
                out.ids += encoding.ids
                out.tokens += encoding.tokens
                out.offsets += encoding.offsets
            case .special(let ids, let tokens):
                for (id, token) in zip(ids, tokens) { out.append(id: id, token: token, offsets: 0..<0) }
            }
        }
        encoding = out
    }
}

/// `RobertaProcessing` / `BertProcessing`: CLS A SEP, with Roberta's optional offset trimming.
struct SurroundingProcessor: PostProcessor {
    let cls: (String, Int)
    let sep: (String, Int)
    let trimmer: ByteLevelOffsetTrimmer?

    func process(_ encoding: inout Encoding, addSpecialTokens: Bool) {
        trimmer?.process(&encoding, addSpecialTokens: addSpecialTokens)
        guard addSpecialTokens else { return }
        var out = Encoding()
        out.append(id: cls.1, token: cls.0, offsets: 0..<0)
        out.ids += encoding.ids
        out.tokens += encoding.tokens
        out.offsets += encoding.offsets
        out.append(id: sep.1, token: sep.0, offsets: 0..<0)
        encoding = out
    }
}

/// The `ByteLevel` post-processor: with `trim_offsets`, offsets stop covering the leading and
/// trailing spaces (`Ġ`) of each token (Rust `process_offsets`).
struct ByteLevelOffsetTrimmer: PostProcessor {
    let trimOffsets: Bool
    let addPrefixSpace: Bool

    func process(_ encoding: inout Encoding, addSpecialTokens: Bool) {
        guard trimOffsets else { return }
        let space = ByteLevelTable.byteToScalar[0x20]
        let isSpace = { (c: Unicode.Scalar) in c == space || UnicodeClasses.isWhitespace(c) }
        for i in encoding.tokens.indices {
            let scalars = encoding.tokens[i].unicodeScalars
            var leading = 0
            for c in scalars { if isSpace(c) { leading += 1 } else { break } }
            var trailing = 0
            for c in scalars.reversed() { if isSpace(c) { trailing += 1 } else { break } }
            guard leading > 0 || trailing > 0 else { continue }
            var lower = encoding.offsets[i].lowerBound
            var upper = encoding.offsets[i].upperBound
            if leading > 0 {
                let isFirst = i == 0 || lower == 0
                if !(isFirst && addPrefixSpace && leading == 1) { lower = min(lower + leading, upper) }
            }
            if trailing > 0 && upper >= trailing { upper = max(upper - trailing, lower) }
            encoding.offsets[i] = lower..<upper
        }
    }
}
