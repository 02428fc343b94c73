import Foundation
import Testing
import ModelFiles
@testable import Transformer
import Tensors

/// Attention over long prompts runs in query blocks (memory linear in the prompt length): the
/// blocked prefill must equal token-by-token decoding through the KV cache, across block edges
/// and with a sliding window.
@Suite struct LongPromptTests {
    @Test(arguments: ["llama-bf16", "mistral-sharded"])
    func blockedPrefillEqualsIncrementalDecode(_ name: String) throws {
        let model = try TransformerModel.load(directory: Fixtures.inference(name), options: LoadOptions(allowLongPrompts: true))
        let n = CausalAttention.queryBlock + 45
        #expect(n > model.config.maxPositions, "the prompt should pass the trained length")
        let prompt = (0..<n).map { ($0 * 13 + 5) % model.config.vocabSize }
        let full = try model.forward([prompt], logits: .all).logits!
        let cache = KVCache(config: model.config, capacity: 8)
        let split = 20
        var out = try model.forward([Array(prompt[0..<split])], caches: [cache], logits: .last)
        var worst: Float = 0
        for i in split..<n {
            worst = max(worst, relativeError(out.lastLogits(of: 0)!, full.row(i - 1)))
            out = try model.forward([[prompt[i]]], caches: [cache], logits: .last, isPrefill: false)
        }
        worst = max(worst, relativeError(out.lastLogits(of: 0)!, full.row(n - 1)))
        #expect(worst <= 1e-4, "\(name): largest relative error \(worst)")
    }
}
