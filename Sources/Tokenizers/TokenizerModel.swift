/// One token a model produced for a word: its id and the word scalars it covers.
struct ModelToken: Sendable, Equatable {
    var id: Int32
    var start: Int32
    var end: Int32
}

/// Turns one pre-tokenized word into tokens (BPE, WordLevel).
protocol TokenizerModel: Sendable {
    func tokenize(_ word: [Unicode.Scalar]) -> [ModelToken]
    func tokenID(_ token: String) -> Int?
    func tokenString(_ id: Int) -> String?
    /// Every (token, id) pair of the model's vocabulary.
    var vocabulary: [TokenKey: Int] { get }
    /// The string an encoding shows for `token` (Unigram shows unknown text as written).
    func tokenText(_ token: ModelToken, in word: [Unicode.Scalar]) -> String
}

extension TokenizerModel {
    func tokenText(_ token: ModelToken, in word: [Unicode.Scalar]) -> String {
        tokenString(Int(token.id)) ?? ""
    }
}

/// Builds the model from the `tokenizer.json` `"model"` object.
func makeModel(_ reader: JSONReader) throws -> TokenizerModel {
    guard case .object = reader.value else { throw reader.error("expected an object") }
    let type: String
    if let explicit = try reader.string("type") {
        type = explicit
    } else if reader.value["vocab"]?.array != nil {
        type = "Unigram"
    } else if reader.value["merges"] != nil {
        type = "BPE"  // files written before the tag existed
    } else {
        type = "WordLevel"
    }
    switch type {
    case "BPE": return try BPEModel(reader)
    case "WordLevel": return try WordLevelModel(reader)
    case "Unigram": return try UnigramModel(reader)
    default: throw reader.error("unsupported model type \"\(type)\"")
    }
}

/// Reads `model.vocab` as a token → id map.
func readVocabulary(_ reader: JSONReader) throws -> [TokenKey: Int] {
    let child = try reader.requiredChild("vocab")
    guard let members = child.value.members else { throw child.error("expected a map of token to id") }
    var vocab: [TokenKey: Int] = [:]
    vocab.reserveCapacity(members.count)
    for (token, value) in members {
        guard let id = value.int, id >= 0 else {
            throw TokenizerError(file: reader.file, "\(child.path)[\"\(token)\"]: expected a non-negative integer id")
        }
        // Ids index dense tables; a stray huge id would allocate gigabytes.
        guard id <= max(16 * members.count, 1 << 20) else {
            throw TokenizerError(file: reader.file, "\(child.path)[\"\(token)\"]: id \(id) is far beyond the vocabulary size")
        }
        vocab[TokenKey(token)] = id
    }
    return vocab
}

/// An id → token table (ids are dense in practice; holes stay nil).
func reverseVocabulary(_ vocab: [TokenKey: Int]) -> [String?] {
    var table = [String?](repeating: nil, count: (vocab.values.max() ?? -1) + 1)
    for (token, id) in vocab { table[id] = token.text }
    return table
}

/// `WordLevel`: each word is one vocabulary entry, or the unknown token.
struct WordLevelModel: TokenizerModel {
    let vocabulary: [TokenKey: Int]
    let table: [String?]
    let unknownID: Int32?

    init(_ reader: JSONReader) throws {
        vocabulary = try readVocabulary(reader)
        table = reverseVocabulary(vocabulary)
        if let unk = try reader.string("unk_token") {
            guard let id = vocabulary[TokenKey(unk)] else { throw reader.error("unk_token \"\(unk)\" is not in the vocabulary") }
            unknownID = Int32(id)
        } else {
            unknownID = nil
        }
    }

    func tokenize(_ word: [Unicode.Scalar]) -> [ModelToken] {
        guard !word.isEmpty else { return [] }
        let end = Int32(word.count)
        if let id = vocabulary[TokenKey(word)] { return [ModelToken(id: Int32(id), start: 0, end: end)] }
        // Without an unknown token the Rust crate fails the whole encode; we drop the word.
        return unknownID.map { [ModelToken(id: $0, start: 0, end: end)] } ?? []
    }

    func tokenID(_ token: String) -> Int? { vocabulary[TokenKey(token)] }
    func tokenString(_ id: Int) -> String? { id >= 0 && id < table.count ? table[id] : nil }
}
