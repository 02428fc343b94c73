import Foundation
import Testing

@testable import Tokenizers

/// Locates `Tests/Fixtures/tokenizers` from this file's path (CI has no Python; fixtures are committed).
enum Fixtures {
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            let candidate = url.appendingPathComponent("Fixtures/tokenizers")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            url.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/tokenizers")
    }()

    /// The tokenizers `make_fixtures.py` trains.
    static let tokenizerNames = ["gpt2", "llama3", "qwen2", "llama2", "mistral_normalizer", "wordlevel"]

    static func directory(_ name: String) -> URL { root.appendingPathComponent(name) }

    static func tokenizer(_ name: String) throws -> Tokenizer {
        try Tokenizer.load(directory: directory(name))
    }

    struct Case: Decodable {
        let text: String
        let ids: [Int]
        let offsets: [[Int]]
        let decoded: String
        let tokens: [String]?
        let ids_no_special: [Int]?
        let decoded_skip: String?
        let ids_plain_special: [Int]?
    }

    struct Expected: Decodable {
        let cases: [Case]
    }

    static func expected(_ name: String) throws -> [Case] {
        let data = try Data(contentsOf: directory(name).appendingPathComponent("expected.json"))
        return try JSONDecoder().decode(Expected.self, from: data).cases
    }

    /// `components.json` as a generic tree: component configs are arbitrary JSON.
    static func components() throws -> JSONValue {
        try JSONValue.parse(try Data(contentsOf: root.appendingPathComponent("components.json")), file: "components.json")
    }
}
