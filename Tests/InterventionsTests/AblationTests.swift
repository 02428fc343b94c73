import Foundation
import Testing
import Interventions
import Transformer

@Suite struct AblationTests {
    /// After ablating every residual write, the direction's projection is zero at every hook
    /// point of every layer (the writes and the residual stream itself), in prefill and decode.
    @Test(arguments: ["llama-tied", "gpt2", "qwen2-f16"])
    func projectionIsZeroEverywhere(_ name: String) throws {
        let model = try TransformerModel.load(directory: Fixtures.model(name))
        let d = model.config.dModel
        let r = try DirectionSet(direction: DirectionSet.randomUnitVectors(count: 1, width: d, seed: 7)[0])
        let hooks = Hooks()
        DirectionalAblation.everyResidualWrite(r, layers: model.config.layerCount).register(on: hooks)
        var worst: Float = 0
        var seen: Set<String> = []
        var decodeCalls = 0
        let checked = model.hookPoints.filter { $0 != .finalNormalized }
        hooks.add(checked) { a in
            seen.insert(a.point.name)
            if !a.isPrefill { decodeCalls += 1 }
            for row in 0..<a.rows { worst = max(worst, abs(dot(a.values, row * a.width, r.basis[0]))) }
        }
        _ = try model.generate(prompts: [[1, 17, 42, 99], [5, 6]], maxNewTokens: 4, stopTokens: [], hooks: hooks)
        #expect(worst <= 1e-5)
        #expect(seen.count == checked.count)
        #expect(decodeCalls == 3 * checked.count)
        // Without the ablation the projection is far from zero, so the check can fail.
        let plain = Hooks()
        var largest: Float = 0
        plain.add(.residPost(0)) { a in
            for row in 0..<a.rows { largest = max(largest, abs(dot(a.values, row * a.width, r.basis[0]))) }
        }
        _ = try model.forward([[1, 17, 42, 99]], hooks: plain)
        #expect(largest > 1e-2)
    }

    /// Hugging Face with PyTorch forward hooks doing the same ablation gives the same hidden
    /// states and greedy continuation.
    @Test(arguments: ["llama-tied", "gpt2", "qwen2-f16"])
    func matchesHuggingFaceHooks(_ name: String) throws {
        let reference = try HookReference.load(name)
        let model = try TransformerModel.load(directory: Fixtures.model(name))
        let layers = model.config.layerCount
        let r = try DirectionSet(direction: reference.direction)
        let hooks = Hooks()
        DirectionalAblation.everyResidualWrite(r, layers: layers).register(on: hooks)
        let points = (0..<layers).map { HookPoint.residPre($0) } + [.finalNormalized]
        let cache = ActivationCache(points: points)
        cache.register(on: hooks)
        _ = try model.forward([reference.prompt], hooks: hooks, logits: .last)
        for (i, p) in points.enumerated() {
            let ours = cache.rows(p, sequence: 0, width: model.config.dModel).flatMap { $0 }
            #expect(relativeError(ours, reference.ablated.hidden_states[i]) < 1e-4, "\(name) \(p.name)")
        }
        let generated = try model.generate(prompts: [reference.prompt], maxNewTokens: reference.ablated.greedy.count,
                                           stopTokens: [], hooks: hooks)
        #expect(generated[0].tokens == reference.ablated.greedy)
    }

    /// Steering at one block's output matches HF's forward hook adding α·r̂ to that block's output.
    @Test(arguments: ["llama-tied", "gpt2", "qwen2-f16"])
    func steeringMatchesHuggingFaceHooks(_ name: String) throws {
        let reference = try HookReference.load(name)
        let model = try TransformerModel.load(directory: Fixtures.model(name))
        let point = try #require(HookPoint(name: reference.steer.hook))
        let hooks = Hooks()
        ActivationAddition(direction: reference.direction, coefficient: reference.steer.alpha, points: [point]).register(on: hooks)
        let out = try model.forward([reference.prompt], hooks: hooks, logits: .last)
        #expect(relativeError(try #require(out.lastLogits(of: 0)), reference.steer.last_logits) < 1e-4)
        let generated = try model.generate(prompts: [reference.prompt], maxNewTokens: reference.steer.greedy.count,
                                           stopTokens: [], hooks: hooks)
        #expect(generated[0].tokens == reference.steer.greedy)
    }

    /// Steering `.last` changes only the newest row of each sequence: in prefill the last prompt
    /// token, in decode every row.
    @Test func steeringLastPosition() throws {
        let model = try TransformerModel.load(directory: Fixtures.model("llama-tied"))
        let d = model.config.dModel
        let v = DirectionSet.randomUnitVectors(count: 1, width: d, seed: 3)[0]
        func capture(_ steer: Bool) throws -> [[Float]] {
            let hooks = Hooks()
            if steer { ActivationAddition(direction: v, coefficient: 2, points: [.residPost(0)], positions: .last).register(on: hooks) }
            var calls: [[Float]] = []
            hooks.add(.residPost(0)) { calls.append(Array($0.values)) }
            _ = try model.generate(prompts: [[1, 2, 3], [4, 5]], maxNewTokens: 2, stopTokens: [], hooks: hooks)
            return calls
        }
        let base = try capture(false), steered = try capture(true)
        // Prefill rows: 0,1,2 (sequence 0), 3,4 (sequence 1); rows 2 and 4 are last.
        for row in 0..<5 {
            let delta = (0..<d).map { steered[0][row * d + $0] - base[0][row * d + $0] }
            let expected = [2, 4].contains(row) ? v.map { 2 * $0 } : [Float](repeating: 0, count: d)
            #expect(zip(delta, expected).allSatisfy { abs($0 - $1) < 1e-5 }, "row \(row)")
        }
        // The decode step's rows are each sequence's newest token: both are steered.
        let decodeDelta = (0..<(2 * d)).map { steered[1][$0] - base[1][$0] }
        #expect(decodeDelta.contains { abs($0) > 1e-3 })
        #expect(steered.count == 2)  // prefill and one decode step (the second token needs no pass)
    }

    /// Mean ablation sets the projection to the reference value at every position.
    @Test func meanAblationSetsProjection() throws {
        let model = try TransformerModel.load(directory: Fixtures.model("gpt2"))
        let d = model.config.dModel
        let r = try DirectionSet(direction: DirectionSet.randomUnitVectors(count: 1, width: d, seed: 11)[0])
        let points: [HookPoint] = [.residPost(0), .residPost(1)]
        let reference = try MeanAblation.meanProjections(model: model, prompts: [[1, 2, 3, 4], [9, 8]], points: points, directions: r)
        #expect(reference.count == 2)
        let hooks = Hooks()
        try MeanAblation(directions: r, reference: reference).register(on: hooks)
        var worst: Float = 0
        hooks.add(points) { a in
            let target = reference[a.point]![0]
            for row in 0..<a.rows { worst = max(worst, abs(dot(a.values, row * a.width, r.basis[0]) - target)) }
        }
        _ = try model.forward([[7, 7, 7, 1, 30]], hooks: hooks)
        #expect(worst < 1e-4)
        #expect(throws: InterventionError.self) {
            try MeanAblation(directions: r, reference: [.residPost(0): [1, 2]])
        }
    }

    /// Patching the last block's output at every position from another prompt of the same length
    /// gives that prompt's logits; patching nothing leaves the run alone.
    @Test func patchingReplacesActivations() throws {
        let model = try TransformerModel.load(directory: Fixtures.model("qwen2-f16"))
        let last = model.config.layerCount - 1
        let source = [3, 9, 27, 81], target = [1, 2, 3, 4]
        let patch = try ActivationPatch.capture(model: model, prompt: source, points: [.residPost(last)])
        let hooks = Hooks()
        patch.register(on: hooks)
        let patched = try model.forward([target], hooks: hooks, logits: .all).logits!
        let sourceLogits = try model.forward([source], logits: .all).logits!
        let targetLogits = try model.forward([target], logits: .all).logits!
        #expect(relativeError(patched.storage, sourceLogits.storage) < 1e-5)
        #expect(relativeError(targetLogits.storage, sourceLogits.storage) > 1e-2)
        // Only position 3 patched: earlier positions keep the target's logits.
        let one = Hooks()
        ActivationPatch(source: patch.source, positions: .positions([3])).register(on: one)
        let partly = try model.forward([target], hooks: one, logits: .all).logits!
        let v = model.config.vocabSize
        #expect(relativeError(partly.storage[0..<(3 * v)], targetLogits.storage[0..<(3 * v)]) < 1e-6)
        #expect(relativeError(partly.storage[(3 * v)...], sourceLogits.storage[(3 * v)...]) < 1e-5)
    }

    @Test func positionSelectorParsing() throws {
        #expect(try PositionSelector(parsing: "all") == .all)
        #expect(try PositionSelector(parsing: "last") == .last)
        #expect(try PositionSelector(parsing: "from:3") == .from(3))
        #expect(try PositionSelector(parsing: "1,4") == .positions([1, 4]))
        // The one positions grammar: index:K (or K) names one position; extract-only forms are refused.
        #expect(try PositionSelector(parsing: "index:2") == .positions([2]))
        #expect(try PositionSelector(parsing: "2") == .positions([2]))
        for bad in ["", "from:x", "from:-1", "1,a", "first", "mean", "marker:x", "index:-1", "-1", "0,-2"] {
            #expect(throws: InterventionError.self) { try PositionSelector(parsing: bad) }
        }
    }

    @Test func directionSetOrthonormalises() throws {
        let s = try DirectionSet([[3, 0, 0, 4], [1, 1, 0, 0]])
        let a = s.basis[0], b = s.basis[1]
        #expect(abs(zip(a, a).map(*).reduce(0, +) - 1) < 1e-6)
        #expect(abs(zip(b, b).map(*).reduce(0, +) - 1) < 1e-6)
        #expect(abs(zip(a, b).map(*).reduce(0, +)) < 1e-6)
        #expect(throws: InterventionError.self) { try DirectionSet([[0, 0, 0]]) }
        #expect(throws: InterventionError.self) { try DirectionSet([[1, 2], [2, 4]]) }
        #expect(throws: InterventionError.self) { try DirectionSet([[1, 2], [1, 2, 3]]) }
        #expect(throws: InterventionError.self) { try DirectionSet([[1, .nan]]) }
        #expect(throws: InterventionError.self) { try DirectionSet([]) }
        #expect(throws: InterventionError.self) { try s.check(width: 8, source: "x") }
        #expect(DirectionSet.randomUnitVectors(count: 2, width: 5, seed: 1) == DirectionSet.randomUnitVectors(count: 2, width: 5, seed: 1))
        #expect(DirectionSet.randomUnitVectors(count: 1, width: 5, seed: 1) != DirectionSet.randomUnitVectors(count: 1, width: 5, seed: 2))
    }
}
