/// A prompt the model cannot take, found before any model work, as one line naming the
/// prompt file's line.
public enum PromptTokenError: Error, CustomStringConvertible, Equatable, Sendable {
    case noTokens(file: String, line: Int)
    case tooLong(file: String, line: Int, tokens: Int, limit: Int)

    public var description: String {
        switch self {
        case let .noTokens(file, line):
            return "\(file):\(line): the prompt has no tokens"
        case let .tooLong(file, line, tokens, limit):
            return "\(file):\(line): the prompt has \(tokens) tokens, more than the model's max_position_embeddings (\(limit))"
        }
    }
}

extension PromptSet {
    /// Checks every prompt in `indices` before a run starts: each must encode (as the run will
    /// encode it, template included) to at least one and at most `limit` tokens. A run that
    /// finds a bad prompt only when it reaches it would leave a part-written file behind, and
    /// an over-long prompt makes the forward pass allocate far past what a batch needs.
    /// `tokenCount` returns the number of tokens of record `i`.
    public func checkTokenCounts(_ indices: [Int], limit: Int, tokenCount: (Int) throws -> Int) throws {
        for i in indices {
            try PromptTokenError.check(tokens: try tokenCount(i), limit: limit, file: name, line: lines[i])
        }
    }
}

extension PromptTokenError {
    /// Fails when a prompt of `tokens` tokens (at `file`:`line`) is empty or longer than `limit`.
    public static func check(tokens: Int, limit: Int, file: String, line: Int) throws {
        if tokens == 0 { throw PromptTokenError.noTokens(file: file, line: line) }
        if tokens > limit { throw PromptTokenError.tooLong(file: file, line: line, tokens: tokens, limit: limit) }
    }
}
