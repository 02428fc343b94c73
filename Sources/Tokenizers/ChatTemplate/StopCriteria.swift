/// Where a generation ends: at any end-of-sequence id (`generation_config.json`'s `eos_token_id`
/// may list several, as Llama-3's does), or at the first of some stop strings.
public struct StopCriteria: Sendable, Equatable {
    public var tokenIDs: Set<Int>
    public var strings: [String]

    public init(tokenIDs: Set<Int>, strings: [String] = []) {
        self.tokenIDs = tokenIDs
        self.strings = strings.filter { !$0.isEmpty }
    }

    /// The model config's EOS ids together with the tokenizer's (generation_config.json, tokenizer_config.json).
    public init(modelEOS: [Int], tokenizer: Tokenizer?, strings: [String] = []) {
        self.init(tokenIDs: Set(modelEOS).union(tokenizer?.eosTokenIDs ?? []), strings: strings)
    }

    /// The tokens before the first stop id, and whether there was one.
    public func cut(_ tokens: [Int]) -> (tokens: [Int], stopped: Bool) {
        guard let i = tokens.firstIndex(where: tokenIDs.contains) else { return (tokens, false) }
        return (Array(tokens[..<i]), true)
    }

    /// The text before the earliest stop string, and whether there was one.
    public func truncate(_ text: String) -> (text: String, stopped: Bool) {
        var earliest: String.Index?
        for stop in strings {
            if let r = text.range(of: stop), earliest.map({ r.lowerBound < $0 }) ?? true { earliest = r.lowerBound }
        }
        guard let earliest else { return (text, false) }
        return (String(text[..<earliest]), true)
    }

    /// A completion as text: cut at the first stop id, decoded, cut at the first stop string.
    public func completion(_ tokens: [Int], decode: ([Int]) -> String) -> String {
        truncate(decode(cut(tokens).tokens)).text
    }
}
