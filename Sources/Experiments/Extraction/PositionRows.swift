import Formats
import Tensors

/// A prompt whose tokens do not contain the requested position.
public enum PositionError: Error, CustomStringConvertible, Equatable, Sendable {
    case outOfRange(position: String, prompt: Int, tokens: Int)
    case markerNotFound(marker: String, prompt: Int)

    public var description: String {
        switch self {
        case let .outOfRange(position, prompt, tokens):
            return "--positions \(position): prompt \(prompt) has only \(tokens) tokens"
        case let .markerNotFound(marker, prompt):
            return "--positions marker:\(marker): marker not found in prompt \(prompt)"
        }
    }
}

extension PositionSelection {
    /// The one token whose row is stored for a prompt of `tokenCount` tokens, or nil when every
    /// token is needed (`all`, and `mean`, which averages them). `markerToken` is the index of
    /// the marker's last token (nil when the prompt lacks it); `prompt` only labels errors.
    public func keptToken(tokenCount: Int, markerToken: Int? = nil, prompt: Int) throws -> Int? {
        switch self {
        case .all:
            return nil
        case .mean:
            guard tokenCount > 0 else { throw PositionError.outOfRange(position: name, prompt: prompt, tokens: tokenCount) }
            return nil
        case .last, .index:
            guard let t = tokenIndex(tokenCount: tokenCount) else {
                throw PositionError.outOfRange(position: name, prompt: prompt, tokens: tokenCount)
            }
            return t
        case let .marker(text):
            guard let t = markerToken else { throw PositionError.markerNotFound(marker: text, prompt: prompt) }
            guard t >= 0, t < tokenCount else { throw PositionError.outOfRange(position: name, prompt: prompt, tokens: tokenCount) }
            return t
        }
    }

    /// The rows to store for one prompt, from its hook activations `(tokens, d_model)`:
    /// `(1, d_model)` for last/index/mean/marker, all `(tokens, d_model)` for `all`.
    public func rows(from activations: Tensor, prompt: Int, markerToken: Int? = nil) throws -> Tensor {
        let tokens = activations.shape.first ?? 0
        let dModel = activations.columns
        if let t = try keptToken(tokenCount: tokens, markerToken: markerToken, prompt: prompt) {
            return Tensor(shape: [1, dModel], storage: Array(activations.row(t)))
        }
        guard self == .mean else { return activations }
        var mean = [Float](repeating: 0, count: dModel)
        activations.storage.withUnsafeBufferPointer { src in
            mean.withUnsafeMutableBufferPointer { out in
                for t in 0..<tokens {
                    for c in 0..<dModel { out[c] += src[t * dModel + c] }
                }
                let scale = 1 / Float(tokens)
                for c in 0..<dModel { out[c] *= scale }
            }
        }
        return Tensor(shape: [1, dModel], storage: mean)
    }
}
