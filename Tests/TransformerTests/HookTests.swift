import Foundation
import Testing
import Tensors
import Transformer

@Suite struct HookTests {
    /// Extraction of an early layer runs no later block and no unembedding.
    @Test func forwardStopsAfterDeepestHook() throws {
        let model = try TransformerModel.load(directory: Fixtures.inference("llama-tied"))
        let prompt = [1, 17, 42, 99]
        let hooks = Hooks()
        var seen: [Float] = []
        hooks.add(.residPost(0)) { seen.append(contentsOf: $0.values) }
        let out = try model.forward([prompt], hooks: hooks, logits: .none)
        #expect(out.layersRun == 1)
        #expect(out.logits == nil)
        // The same values as a full pass.
        let full = Hooks()
        var reference: [Float] = []
        full.add(.residPost(0)) { reference.append(contentsOf: $0.values) }
        let fullOut = try model.forward([prompt], hooks: full, logits: .last)
        #expect(fullOut.layersRun == model.config.layerCount)
        #expect(seen == reference)
    }

    /// Each row carries its sequence index and position; generation's decode steps continue the positions.
    @Test func rowsCarrySequenceAndPosition() throws {
        let model = try TransformerModel.load(directory: Fixtures.inference("gpt2"))
        let hooks = Hooks()
        var calls: [(prefill: Bool, sequence: [Int], position: [Int])] = []
        hooks.add(.residPost(1)) { calls.append(($0.isPrefill, $0.sequence, $0.position)) }
        _ = try model.generate(prompts: [[1, 2, 3], [4]], maxNewTokens: 3, stopTokens: [], hooks: hooks)
        #expect(calls.count == 3)
        #expect(calls[0].prefill && calls[0].sequence == [0, 0, 0, 1] && calls[0].position == [0, 1, 2, 0])
        #expect(!calls[1].prefill && calls[1].sequence == [0, 1] && calls[1].position == [3, 1])
        #expect(calls[2].position == [4, 2])
    }

    /// A hook that writes changes what follows: zeroing every MLP output of the last block
    /// makes the final residual equal the residual after attention.
    @Test func hooksModifyInPlace() throws {
        let model = try TransformerModel.load(directory: Fixtures.inference("qwen2-f16"))
        let last = model.config.layerCount - 1
        let hooks = Hooks()
        var mid: [Float] = []
        var post: [Float] = []
        hooks.add(.mlpOut(last)) { a in for i in a.values.indices { a.values[i] = 0 } }
        hooks.add(.residMid(last)) { mid = Array($0.values) }
        hooks.add(.residPost(last)) { post = Array($0.values) }
        let changed = try model.forward([[3, 4, 5]], hooks: hooks, logits: .last)
        let plain = try model.forward([[3, 4, 5]], logits: .last)
        #expect(mid == post)
        #expect(changed.logits!.storage != plain.logits!.storage)
    }

    @Test func outOfVocabularyTokenIsAnError() throws {
        let model = try TransformerModel.load(directory: Fixtures.inference("llama-tied"))
        #expect(throws: ForwardError.self) { try model.forward([[1, 500]]) }
    }

    @Test func seededSamplingIsReproducibleAndBatchIndependent() throws {
        let model = try TransformerModel.load(directory: Fixtures.inference("llama-tied"))
        let options = SamplingOptions(temperature: 1.0, topP: 0.9, seed: 7)
        let a = try model.generate(prompts: [[1, 5, 9], [1, 2]], maxNewTokens: 10, sampling: options, stopTokens: [])
        let b = try model.generate(prompts: [[1, 5, 9], [1, 2]], maxNewTokens: 10, sampling: options, stopTokens: [])
        #expect(a == b)
        let other = try model.generate(prompts: [[1, 5, 9]], maxNewTokens: 10,
                                       sampling: SamplingOptions(temperature: 1.0, topP: 0.9, seed: 8), stopTokens: [])
        #expect(other[0].tokens != a[0].tokens)
    }

    @Test func stopsOnEOS() throws {
        let model = try TransformerModel.load(directory: Fixtures.inference("llama-tied"))
        let greedy = try model.generate(prompts: [[1, 5, 9]], maxNewTokens: 6, stopTokens: [])
        let stop = greedy[0].tokens[2]
        let stopped = try model.generate(prompts: [[1, 5, 9]], maxNewTokens: 6, stopTokens: [stop])
        let firstStop = greedy[0].tokens.firstIndex(of: stop)!
        #expect(stopped[0].tokens == Array(greedy[0].tokens.prefix(firstStop + 1)))
        #expect(stopped[0].stoppedByEOS)
    }
}
