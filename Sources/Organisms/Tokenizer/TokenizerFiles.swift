import Foundation
import ModelFiles

extension WordTokenizer {
    /// Writes `tokenizer.json`, `tokenizer_config.json` and `special_tokens_map.json`.
    public func write(to directory: URL) throws {
        var vocab: [String: JSONValue] = [:]
        for (i, p) in pieces.enumerated() { vocab[p] = .int(i) }
        let added: [JSONValue] = Self.specialTokens.enumerated().map { i, s in
            .object(["id": .int(i), "content": .string(s), "single_word": .bool(false), "lstrip": .bool(false),
                     "rstrip": .bool(false), "normalized": .bool(false), "special": .bool(true)])
        }
        func special(_ s: String) -> JSONValue { .object(["SpecialToken": .object(["id": .string(s), "type_id": .int(0)])]) }
        func sequence(_ s: String) -> JSONValue { .object(["Sequence": .object(["id": .string(s), "type_id": .int(0)])]) }
        let tokenizer: JSONValue = .object([
            "version": .string("1.0"),
            "truncation": .null,
            "padding": .null,
            "added_tokens": .array(added),
            "normalizer": .null,
            "pre_tokenizer": .object([
                "type": .string("Split"), "pattern": .object(["Regex": .string(Self.pattern)]),
                "behavior": .string("Isolated"), "invert": .bool(false),
            ]),
            "post_processor": .object([
                "type": .string("TemplateProcessing"),
                "single": .array([special("<s>"), sequence("A")]),
                "pair": .array([special("<s>"), sequence("A"), sequence("B")]),
                "special_tokens": .object(["<s>": .object(["id": .string("<s>"), "ids": .array([.int(Self.bos)]),
                                                          "tokens": .array([.string("<s>")])])]),
            ]),
            "decoder": .object(["type": .string("Fuse")]),
            "model": .object(["type": .string("WordLevel"), "vocab": .object(vocab), "unk_token": .string("<unk>")]),
        ])
        let config: JSONValue = .object([
            "tokenizer_class": .string("PreTrainedTokenizerFast"),
            "bos_token": .string("<s>"), "eos_token": .string("</s>"),
            "unk_token": .string("<unk>"), "pad_token": .string("<pad>"),
            "add_bos_token": .bool(true), "add_eos_token": .bool(false),
            "clean_up_tokenization_spaces": .bool(false),
            "model_max_length": .int(1024),
        ])
        let map: JSONValue = .object([
            "bos_token": .string("<s>"), "eos_token": .string("</s>"),
            "unk_token": .string("<unk>"), "pad_token": .string("<pad>"),
        ])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        try encoder.encode(tokenizer).write(to: directory.appendingPathComponent("tokenizer.json"), options: .atomic)
        try encoder.encode(config).write(to: directory.appendingPathComponent("tokenizer_config.json"), options: .atomic)
        try encoder.encode(map).write(to: directory.appendingPathComponent("special_tokens_map.json"), options: .atomic)
    }

    /// Reads a `tokenizer.json` this type wrote (WordLevel model, our pre-tokenizer pattern).
    public static func load(directory: URL) throws -> WordTokenizer {
        let url = directory.appendingPathComponent("tokenizer.json")
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw OrganismError(file: url.path, "cannot read (missing or unreadable)")
        }
        return try load(json: data)
    }

    /// Parses the contents of a `tokenizer.json`.
    public static func load(json data: Data) throws -> WordTokenizer {
        let file = "tokenizer.json"
        guard let root = JSONValue.parse(data)?.objectValue else { throw OrganismError(file: file, "not a JSON object") }
        guard let model = root["model"]?.objectValue else { throw OrganismError(file: file, "missing \"model\" object") }
        guard model["type"]?.stringValue == "WordLevel" else {
            throw OrganismError(file: file, "\"model.type\" must be \"WordLevel\" (an organism tokenizer)")
        }
        guard let vocab = model["vocab"]?.objectValue else { throw OrganismError(file: file, "missing \"model.vocab\" object") }
        guard root["pre_tokenizer"]?["pattern"]?["Regex"]?.stringValue == pattern else {
            throw OrganismError(file: file, "\"pre_tokenizer.pattern.Regex\" is not the organism pattern")
        }
        var pieces = [String?](repeating: nil, count: vocab.count)
        for (piece, value) in vocab {
            guard let id = value.intValue, id >= 0, id < vocab.count else {
                throw OrganismError(file: file, "model.vocab[\"\(piece)\"] must be an id in 0..<\(vocab.count)")
            }
            guard pieces[id] == nil else { throw OrganismError(file: file, "model.vocab gives id \(id) twice") }
            pieces[id] = piece
        }
        // Ids are unique and in 0..<count, so every slot is filled; checked anyway.
        let filled = pieces.compactMap { $0 }
        guard filled.count == pieces.count else { throw OrganismError(file: file, "model.vocab leaves ids unassigned") }
        return try WordTokenizer(pieces: filled)
    }
}
