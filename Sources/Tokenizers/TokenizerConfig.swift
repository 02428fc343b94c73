import Foundation

/// What a model directory says about special tokens besides `tokenizer.json`:
/// `tokenizer_config.json`, `special_tokens_map.json` and `generation_config.json`.
public struct TokenizerConfig: Sendable, Equatable {
    /// BOS / EOS token text (`bos_token` / `eos_token`, a string or `{"content": …}`).
    public var bosToken: String?
    public var eosToken: String?
    /// `add_bos_token` / `add_eos_token` when the file sets them.
    public var addBosToken: Bool?
    public var addEosToken: Bool?
    /// `tokenizer_class`, e.g. `LlamaTokenizerFast`.
    public var tokenizerClass: String?
    /// `generation_config.json`'s `bos_token_id` and `eos_token_id` (an int or a list).
    public var generationBosTokenID: Int?
    public var generationEosTokenIDs: [Int]

    public init(
        bosToken: String? = nil, eosToken: String? = nil, addBosToken: Bool? = nil, addEosToken: Bool? = nil,
        tokenizerClass: String? = nil, generationBosTokenID: Int? = nil, generationEosTokenIDs: [Int] = []
    ) {
        self.bosToken = bosToken
        self.eosToken = eosToken
        self.addBosToken = addBosToken
        self.addEosToken = addEosToken
        self.tokenizerClass = tokenizerClass
        self.generationBosTokenID = generationBosTokenID
        self.generationEosTokenIDs = generationEosTokenIDs
    }

    /// Reads whichever of the three files exist in `directory` (none of them is required).
    public static func load(directory: URL) throws -> TokenizerConfig {
        var config = TokenizerConfig()
        if let map = try readJSON(directory, "special_tokens_map.json") {
            config.bosToken = try tokenText(map, "bos_token")
            config.eosToken = try tokenText(map, "eos_token")
        }
        if let json = try readJSON(directory, "tokenizer_config.json") {
            config.bosToken = try tokenText(json, "bos_token") ?? config.bosToken
            config.eosToken = try tokenText(json, "eos_token") ?? config.eosToken
            if json.child("add_bos_token") != nil { config.addBosToken = try json.bool("add_bos_token", default: false) }
            if json.child("add_eos_token") != nil { config.addEosToken = try json.bool("add_eos_token", default: false) }
            config.tokenizerClass = try json.string("tokenizer_class")
        }
        if let json = try readJSON(directory, "generation_config.json") {
            config.generationBosTokenID = try json.int("bos_token_id")
            if let eos = json.child("eos_token_id") {
                if let id = eos.value.int {
                    config.generationEosTokenIDs = [id]
                } else if let items = eos.value.array {
                    config.generationEosTokenIDs = try items.enumerated().map { i, item in
                        guard let id = item.int else {
                            throw TokenizerError(file: "generation_config.json", "eos_token_id[\(i)]: expected an integer")
                        }
                        return id
                    }
                } else {
                    throw eos.error("expected an integer or a list of integers")
                }
            }
        }
        return config
    }

    private static func readJSON(_ directory: URL, _ name: String) throws -> JSONReader? {
        let url = directory.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        guard let data = try? Data(contentsOf: url) else { throw TokenizerError(file: name, "cannot be read") }
        let value = try JSONValue.parse(data, file: name)
        guard case .object = value else { throw TokenizerError(file: name, "expected a JSON object") }
        return JSONReader(value, path: "", file: name)
    }

    private static func tokenText(_ json: JSONReader, _ key: String) throws -> String? {
        guard let child = json.child(key) else { return nil }
        if let text = child.value.string { return text }
        if let content = try child.string("content") { return content }
        throw child.error("expected a string or {\"content\": …}")
    }
}
