import Foundation

/// A Hugging Face tokenizer read from `tokenizer.json`, encoding and decoding exactly as the
/// Rust `tokenizers` crate: added tokens → Normalizer → PreTokenizer → Model → PostProcessor,
/// and the Decoder on the way back. Immutable and safe to share between tasks.
public final class Tokenizer: Sendable {
    let normalizer: Normalizer?
    let preTokenizer: PreTokenizer?
    let model: TokenizerModel
    let postProcessor: PostProcessor?
    let decoder: TokenDecoder?
    /// Added tokens matched in the raw input / in normalized text.
    let rawAddedTokens: AddedTokenMatcher
    let normalizedAddedTokens: AddedTokenMatcher
    let addedTokensByID: [Int: AddedToken]
    let addedTokensByContent: [TokenKey: Int]

    /// The BOS token's id, from the config files (or nil).
    public let bosTokenID: Int?
    /// Ids that end generation: `generation_config.json`'s `eos_token_id`, then the config's `eos_token`.
    public let eosTokenIDs: [Int]
    /// Number of distinct ids (model vocabulary and added tokens), like `len(tokenizer)` in Python.
    public let vocabularySize: Int

    /// Loads `tokenizer.json` and the optional config files from a model directory.
    /// Errors name the file inside the directory as the user gave it (`Models/x/tokenizer.json: …`).
    public static func load(directory: URL) throws -> Tokenizer {
        let url = directory.appendingPathComponent("tokenizer.json")
        let folder = directory.relativePath
        do {
            guard FileManager.default.fileExists(atPath: url.path) else { throw TokenizerError(file: "tokenizer.json", "not found") }
            guard let data = try? Data(contentsOf: url) else { throw TokenizerError(file: "tokenizer.json", "cannot be read") }
            return try Tokenizer(tokenizerJSON: data, config: try TokenizerConfig.load(directory: directory))
        } catch let error as TokenizerError {
            throw TokenizerError(file: (folder as NSString).appendingPathComponent(error.file), error.message)
        }
    }

    /// Builds a tokenizer from the bytes of a `tokenizer.json`.
    public init(tokenizerJSON: Data, config: TokenizerConfig? = nil) throws {
        let file = "tokenizer.json"
        let root = JSONReader(try JSONValue.parse(tokenizerJSON, file: file), path: "", file: file)
        guard case .object = root.value else { throw TokenizerError(file: file, "expected a JSON object") }
        normalizer = try root.child("normalizer").map { try makeNormalizer($0) }
        preTokenizer = try root.child("pre_tokenizer").map { try makePreTokenizer($0) }
        let model = try makeModel(try root.requiredChild("model"))
        self.model = model
        decoder = try root.child("decoder").map { try makeDecoder($0) }

        var raw = AddedTokenMatcher()
        var normalized = AddedTokenMatcher()
        var byID: [Int: AddedToken] = [:]
        var byContent: [TokenKey: Int] = [:]
        for entry in try root.array("added_tokens") ?? [] {
            var token = try AddedToken(entry)
            if token.normalized, let normalizer {
                var text = NormalizedString(original: token.content.scalarArray[...])
                normalizer.normalize(&text)
                token.tokenString = text.string
                normalized.add(token, pattern: text.scalars)
            } else if token.normalized {
                normalized.add(token, pattern: token.content.scalarArray)
            } else {
                raw.add(token, pattern: token.content.scalarArray)
            }
            byID[token.id] = token
            byContent[TokenKey(token.content)] = token.id
        }
        rawAddedTokens = raw
        normalizedAddedTokens = normalized
        addedTokensByID = byID
        addedTokensByContent = byContent

        let id = { (text: String?) -> Int? in
            guard let text else { return nil }
            return byContent[TokenKey(text)] ?? model.tokenID(text)
        }
        let config = config ?? TokenizerConfig()
        bosTokenID = id(config.bosToken) ?? config.generationBosTokenID
        var eos = config.generationEosTokenIDs
        if let configEos = id(config.eosToken), !eos.contains(configEos) { eos.append(configEos) }
        eosTokenIDs = eos

        var processor = try root.child("post_processor").map { try makePostProcessor($0) }
        // transformers' Llama-family fast tokenizers rebuild the template from add_bos/add_eos.
        let rebuilds = ["LlamaTokenizer", "LlamaTokenizerFast", "CodeLlamaTokenizer", "CodeLlamaTokenizerFast",
                        "GemmaTokenizer", "GemmaTokenizerFast"].contains(config.tokenizerClass ?? "")
        if rebuilds || (processor == nil && (config.addBosToken == true || config.addEosToken == true)) {
            var pieces: [TemplateProcessor.Piece] = []
            if config.addBosToken ?? rebuilds, let bos = config.bosToken, let bosID = id(bos) {
                pieces.append(.special(ids: [bosID], tokens: [bos]))
            }
            pieces.append(.sequence)
            if config.addEosToken ?? false, let eosText = config.eosToken, let eosID = id(eosText) {
                pieces.append(.special(ids: [eosID], tokens: [eosText]))
            }
            processor = TemplateProcessor(pieces: pieces)
        }
        postProcessor = processor

        var ids = Set(model.vocabulary.values)
        ids.formUnion(byID.keys)
        vocabularySize = ids.count
    }

    /// Encodes `text`. `addSpecialTokens` runs the post-processor's BOS/EOS template;
    /// `parseSpecialTokens: false` treats special-token text in `text` as plain text (Python's
    /// `split_special_tokens=True`); non-special added tokens are still matched.
    public func encode(_ text: String, addSpecialTokens: Bool = true, parseSpecialTokens: Bool = true) -> Encoding {
        let original = text.scalarArray
        var encoding = Encoding()
        encoding.ids.reserveCapacity(original.count / 3)
        for split in rawAddedTokens.split(original, skipSpecial: !parseSpecialTokens) {
            if let token = split.token {
                // The token's string is the matched text, stripped whitespace included (Rust `split_with_indices`).
                encoding.append(id: token.id, token: Array(original[split.range]).string, offsets: split.range)
                continue
            }
            var piece = NormalizedString(original: original[split.range])
            normalizer?.normalize(&piece)
            for inner in normalizedAddedTokens.split(piece.scalars, skipSpecial: !parseSpecialTokens) {
                if let token = inner.token {
                    encoding.append(id: token.id, token: Array(piece.scalars[inner.range]).string, offsets: piece.originalRange(inner.range))
                } else if !inner.range.isEmpty {
                    encodeText(inner.range == 0..<piece.count ? piece : piece.slice(inner.range), into: &encoding)
                }
            }
        }
        postProcessor?.process(&encoding, addSpecialTokens: addSpecialTokens)
        return encoding
    }

    /// Pre-tokenizes and runs the model on normalized text that holds no added token.
    private func encodeText(_ piece: NormalizedString, into encoding: inout Encoding) {
        let words = preTokenizer?.preTokenize([piece]) ?? [piece]
        for word in words where !word.isEmpty {
            for token in model.tokenize(word.scalars) {
                encoding.append(
                    id: Int(token.id), token: model.tokenText(token, in: word.scalars),
                    offsets: word.originalRange(Int(token.start)..<Int(token.end)))
            }
        }
    }

    /// Decodes ids to text. Unknown ids are skipped; `skipSpecialTokens` drops special added tokens.
    public func decode(_ ids: [Int], skipSpecialTokens: Bool = false) -> String {
        let tokens = ids.compactMap { id -> String? in
            if let added = addedTokensByID[id] {
                return skipSpecialTokens && added.special ? nil : added.tokenString
            }
            return model.tokenString(id)
        }
        guard let decoder else { return tokens.joined(separator: " ") }
        return decoder.decodeChain(tokens).joined()
    }

    /// The vocabulary string of `id` (added tokens included), or nil for an unknown id.
    public func tokenString(_ id: Int) -> String? {
        addedTokensByID[id]?.tokenString ?? model.tokenString(id)
    }

    /// The id of a vocabulary string or added token, or nil.
    public func tokenID(_ token: String) -> Int? {
        addedTokensByContent[TokenKey(token)] ?? model.tokenID(token)
    }

    /// Whether `id` is a special added token (BOS, EOS, `<|endoftext|>`, …).
    public func isSpecialToken(_ id: Int) -> Bool {
        addedTokensByID[id]?.special ?? false
    }

    /// Each token of `text` decoded on its own, as TransformerLens's `to_str_tokens` shows them.
    public func strTokens(_ text: String, addSpecialTokens: Bool = true) -> [String] {
        strTokens(ids: encode(text, addSpecialTokens: addSpecialTokens).ids)
    }

    /// Each id decoded on its own.
    public func strTokens(ids: [Int]) -> [String] {
        ids.map { decode([$0]) }
    }
}
