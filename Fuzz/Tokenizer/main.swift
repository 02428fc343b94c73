// libFuzzer harness for tokenizer.json and its pipeline. The first byte chooses: even, the
// rest is a tokenizer.json (built, then used on a fixed text); odd, the rest is text encoded
// and decoded by one of the fixture tokenizers (normalizer, pre-tokenizer, model, decoder and
// post-processor of every kind the fixtures hold).
import FuzzSupport
import Foundation
import Tokenizers

let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../Tests/Fixtures/tokenizers").standardizedFileURL
let names = ((try? FileManager.default.contentsOfDirectory(atPath: fixtures.path)) ?? []).sorted()
let tokenizers: [Tokenizer] = names.compactMap { try? Tokenizer.load(directory: fixtures.appendingPathComponent($0)) }
guard !tokenizers.isEmpty else {
    FileHandle.standardError.write(Data("no fixture tokenizers under \(fixtures.path)\n".utf8))
    exit(2)
}

func exercise(_ tokenizer: Tokenizer, _ text: String) {
    let encoding = tokenizer.encode(text)
    _ = tokenizer.decode(encoding.ids)
    _ = tokenizer.decode(encoding.ids, skipSpecialTokens: true)
    _ = tokenizer.encode(text, addSpecialTokens: false, parseSpecialTokens: false)
}

FuzzDriver.run { data in
    guard let mode = data.first else { return }
    let rest = data.dropFirst()
    if mode % 2 == 0 {
        guard let tokenizer = try? Tokenizer(tokenizerJSON: Data(rest)) else { return }
        exercise(tokenizer, "Hello, world! naïve café 2024 ✓ <s>   tabs\tand\nnewlines")
    } else {
        exercise(tokenizers[Int(mode / 2) % tokenizers.count], String(decoding: rest, as: UTF8.self))
    }
}
