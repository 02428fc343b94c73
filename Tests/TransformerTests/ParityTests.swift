import Foundation
import Testing
import Tensors
@testable import Transformer

/// Golden parity with Hugging Face `transformers` (scripts/reference/inference/make_fixtures.py).
@Suite struct HuggingFaceParityTests {
    static let models = ["llama-tied", "llama-bf16", "qwen2-f16", "mistral-sharded", "gpt2", "llama-bf16-wide"]

    /// Hidden states and logits of each prompt run alone.
    @Test(arguments: models)
    func hiddenStatesAndLogits(model name: String) throws {
        let model = try TransformerModel.load(directory: Fixtures.inference(name))
        let reference = try InferenceReference.load(name)
        let layers = model.config.layerCount
        #expect(reference.num_hidden_states == layers + 1)
        for (p, prompt) in reference.prompts.enumerated() {
            let hooks = Hooks()
            // HF hidden_states[0] = resid_pre of block 0; [L+1] = resid_post of block L for all but
            // the last block; the last entry is the final norm's output.
            var points: [HookPoint] = [.residPre(0), .finalNormalized]
            for l in 0..<(layers - 1) { points.append(.residPost(l)) }
            let cache = ActivationCache(points: points)
            cache.register(on: hooks)
            let out = try model.forward([prompt], hooks: hooks, logits: .all)
            func captured(_ point: HookPoint) -> [Float] { cache.rows(point, sequence: 0, width: model.config.dModel).flatMap { $0 } }
            #expect(relativeError(captured(.residPre(0)), reference.hidden_states[p][0]) <= 1e-5, "\(name) prompt \(p) embeddings")
            for l in 0..<(layers - 1) {
                let e = relativeError(captured(.residPost(l)), reference.hidden_states[p][l + 1])
                #expect(e <= 1e-4, "\(name) prompt \(p) blocks.\(l).hook_resid_post: relative error \(e)")
            }
            let e = relativeError(captured(.finalNormalized), reference.hidden_states[p][layers])
            #expect(e <= 1e-4, "\(name) prompt \(p) ln_final.hook_normalized: relative error \(e)")
            let logits = try #require(out.logits)
            #expect(logits.shape == [prompt.count, model.config.vocabSize])
            let le = relativeError(logits.storage, reference.logits[p])
            #expect(le <= 1e-4, "\(name) prompt \(p) logits: relative error \(le)")
        }
    }

    /// Greedy continuations, prompt by prompt and as one batch, equal Hugging Face `generate`.
    @Test(arguments: models)
    func greedyContinuations(model name: String) throws {
        let model = try TransformerModel.load(directory: Fixtures.inference(name))
        let reference = try InferenceReference.load(name)
        for (p, prompt) in reference.prompts.enumerated() {
            let alone = try model.generate(prompts: [prompt], maxNewTokens: reference.new_tokens, stopTokens: [])
            #expect(alone[0].tokens == reference.greedy[p], "\(name) prompt \(p)")
        }
        let batched = try model.generate(prompts: reference.prompts, maxNewTokens: reference.new_tokens, stopTokens: [])
        #expect(batched.map(\.tokens) == reference.greedy)
    }

    /// A batch of prompts of different lengths gives each the activations it has alone.
    @Test(arguments: models)
    func batchEqualsAlone(model name: String) throws {
        let model = try TransformerModel.load(directory: Fixtures.inference(name))
        let prompts = try InferenceReference.load(name).prompts
        let points = model.hookPoints
        func run(_ batch: [[Int]]) throws -> (ActivationCache, ForwardOutput) {
            let hooks = Hooks()
            let cache = ActivationCache(points: points)
            cache.register(on: hooks)
            return (cache, try model.forward(batch, hooks: hooks, logits: .all))
        }
        let (batchCache, batchOut) = try run(prompts)
        for (p, prompt) in prompts.enumerated() {
            let (aloneCache, aloneOut) = try run([prompt])
            for point in points {
                let a = batchCache.rows(point, sequence: p, width: model.config.dModel).flatMap { $0 }
                let b = aloneCache.rows(point, sequence: 0, width: model.config.dModel).flatMap { $0 }
                #expect(a.count == b.count)
                #expect(relativeError(a, b) <= 1e-5, "\(name) prompt \(p) \(point)")
            }
            let rows = batchOut.logitSequence.enumerated().filter { $0.element == p }.map(\.offset)
            let batchLogits = rows.flatMap { batchOut.logits!.row($0) }
            #expect(relativeError(batchLogits, aloneOut.logits!.storage) <= 1e-5)
        }
    }

    /// Decoding with the KV cache gives the logits of a full forward over the same tokens.
    @Test(arguments: models)
    func cachedDecodeMatchesFullForward(model name: String) throws {
        let model = try TransformerModel.load(directory: Fixtures.inference(name))
        let prompt = try InferenceReference.load(name).prompts[2]
        let cache = KVCache(config: model.config, capacity: 2)  // forces the cache to grow
        _ = try model.forward([Array(prompt.prefix(3))], caches: [cache], logits: .none)
        var last: ForwardOutput?
        for t in prompt.dropFirst(3) {
            last = try model.forward([[t]], caches: [cache], logits: .last, isPrefill: false)
        }
        let full = try model.forward([prompt], logits: .last)
        #expect(cache.length == prompt.count)
        #expect(relativeError(last!.logits!.storage, full.logits!.storage) <= 1e-5)
    }
}
