import Foundation
import ModelFiles
import Tensors

/// How the next token is chosen.
public struct SamplingOptions: Sendable, Equatable {
    /// nil or 0: greedy (argmax, first index on ties, as `torch.argmax`).
    public var temperature: Float?
    /// Nucleus sampling: keep the smallest set of most likely tokens whose probability reaches topP.
    public var topP: Float
    /// Seeds each sequence's own generator (seed, sequence index), so a sequence samples the same
    /// tokens whatever it is batched with.
    public var seed: UInt64

    public init(temperature: Float? = nil, topP: Float = 1, seed: UInt64 = 0) {
        self.temperature = temperature
        self.topP = topP
        self.seed = seed
    }

    public static let greedy = SamplingOptions()
    public var isGreedy: Bool { (temperature ?? 0) <= 0 }
}

/// Picks tokens from logits.
public struct Sampler {
    public let options: SamplingOptions
    private var generators: [SplitMix64]

    public init(options: SamplingOptions, sequences: Int) {
        self.options = options
        generators = (0..<sequences).map { SplitMix64(seed: options.seed &* 0x2545_F491_4F6C_DD1D &+ UInt64($0) &+ 1) }
    }

    /// The next token of sequence `sequence` from its logits row.
    public mutating func pick(_ logits: ArraySlice<Float>, sequence: Int) -> Int {
        let start = logits.startIndex
        if options.isGreedy {
            var best = start
            for i in logits.indices where logits[i] > logits[best] { best = i }
            return best - start
        }
        let t = options.temperature!
        var maxLogit = -Float.infinity
        for v in logits where v > maxLogit { maxLogit = v }
        // Probabilities in Double: the nucleus cut compares cumulative sums against topP.
        var probabilities = logits.map { exp(Double(($0 - maxLogit) / t)) }
        let total = probabilities.reduce(0, +)
        for i in probabilities.indices { probabilities[i] /= total }
        var candidates = Array(probabilities.indices)
        if options.topP < 1 {
            candidates.sort { probabilities[$0] > probabilities[$1] || (probabilities[$0] == probabilities[$1] && $0 < $1) }
            var cumulative = 0.0
            var keep = 0
            for i in candidates {
                cumulative += probabilities[i]
                keep += 1
                if cumulative >= Double(options.topP) { break }
            }
            candidates = Array(candidates.prefix(keep))
        }
        let mass = candidates.reduce(0.0) { $0 + probabilities[$1] }
        var u = generators[sequence].nextUnit() * mass
        for i in candidates {
            u -= probabilities[i]
            if u < 0 { return i }
        }
        return candidates.last!
    }
}

/// What `generate` returns for one prompt.
public struct Generation: Sendable, Equatable {
    /// The new tokens (the stop token included when one ended the sequence).
    public var tokens: [Int]
    public var stoppedByEOS: Bool
}

extension TransformerModel {
    /// Generates continuations of `prompts` as one batch: a packed prefill, then one decode step
    /// per new token for the sequences still running. Hooks run at prefill and every step.
    ///
    /// - `stopTokens`: defaults to the config's `eos_token_id`s.
    /// - `onToken(sequence, token)`: called as each token is chosen (for streaming output).
    public func generate(prompts: [[Int]], maxNewTokens: Int, sampling: SamplingOptions = .greedy,
                         stopTokens: Set<Int>? = nil, hooks: Hooks? = nil,
                         onToken: ((Int, Int) -> Void)? = nil) throws -> [Generation] {
        let stops = stopTokens ?? Set(config.eosTokenIDs)
        var results = prompts.map { _ in Generation(tokens: [], stoppedByEOS: false) }
        guard maxNewTokens > 0, !prompts.isEmpty else { return results }
        let cachedTokens = prompts.reduce(0) { $0 + $1.count + maxNewTokens }
        try MemoryBudget.checkKVCache(bytes: cachedTokens * config.layerCount * config.kvDim * 2 * 4, weightBytes: weightBytes)
        let caches = prompts.map { KVCache(config: config, capacity: $0.count + maxNewTokens) }
        var sampler = Sampler(options: sampling, sequences: prompts.count)
        var active = Array(prompts.indices)
        var output = try forward(prompts, caches: caches, hooks: hooks, logits: .last, isPrefill: true)
        var step = 0
        while true {
            var next: [Int] = []
            var stillActive: [Int] = []
            for s in active {
                guard let row = output.lastLogits(of: s) else { continue }
                let token = sampler.pick(row, sequence: s)
                results[s].tokens.append(token)
                onToken?(s, token)
                if stops.contains(token) {
                    results[s].stoppedByEOS = true
                } else if results[s].tokens.count < maxNewTokens {
                    stillActive.append(s)
                    next.append(token)
                }
            }
            active = stillActive
            step += 1
            if active.isEmpty { break }
            output = try forward(next.map { [$0] }, caches: active.map { caches[$0] }, sequenceIDs: active,
                                 hooks: hooks, logits: .last, isPrefill: false)
        }
        return results
    }
}
