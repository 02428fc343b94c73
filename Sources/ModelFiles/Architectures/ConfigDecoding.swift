import Foundation

/// Decodes an architecture's `Codable` config from `config.json` and turns the decoder's errors
/// into one-line messages that name the field, as every other parser in the project does.
enum ConfigDecoding {
    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw ModelFileError(file: ModelConfig.fileName, message(error))
        }
    }

    static func message(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context, _ extra: CodingKey? = nil) -> String {
            (context.codingPath + (extra.map { [$0] } ?? [])).map(\.stringValue).joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing field \"\(path(context, key))\""
        case .valueNotFound(_, let context):
            return "missing field \"\(path(context))\""
        case .typeMismatch(let type, let context):
            return "field \"\(path(context))\" must be \(describe(type))"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "not a JSON object" }
            return "field \"\(path(context))\": \(context.debugDescription)"
        @unknown default:
            return "cannot be decoded"
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: "a positive integer"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "true or false"
        case is String.Type: "a string"
        default: "of type \(type)"
        }
    }

    /// A required positive integer.
    static func positive(_ value: Int, _ field: String) throws -> Int {
        guard value > 0 else { throw ModelFileError(file: ModelConfig.fileName, "field \"\(field)\" must be a positive integer") }
        return value
    }
}

/// `eos_token_id`: one id or a list (Llama 3 has two).
struct TokenIDList: Decodable, Sendable {
    var ids: [Int]

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { ids = [] }
        else if let one = try? c.decode(Int.self) { ids = [one] }
        else { ids = try c.decode([Int].self) }
    }
}

/// The rotary parameters, in either place `config.json` puts them: new-style `rope_parameters`
/// (with `rope_theta` inside) or old-style top-level `rope_theta` plus an optional `rope_scaling`.
struct RopeParameters: Decodable, Sendable {
    var ropeType: String?
    var type: String?
    var ropeTheta: Double?
    var factor: Double?
    var lowFreqFactor: Double?
    var highFreqFactor: Double?
    var originalMaxPositionEmbeddings: Double?

    enum CodingKeys: String, CodingKey {
        case ropeType = "rope_type", type, ropeTheta = "rope_theta", factor
        case lowFreqFactor = "low_freq_factor", highFreqFactor = "high_freq_factor"
        case originalMaxPositionEmbeddings = "original_max_position_embeddings"
    }

    /// (theta, scaling) from the two styles.
    static func resolve(parameters: RopeParameters?, theta: Double?, scaling: RopeParameters?) throws -> (Double, RopeScaling) {
        let file = ModelConfig.fileName
        if let parameters {
            guard let t = parameters.ropeTheta else {
                throw ModelFileError(file: file, "field \"rope_parameters.rope_theta\" is missing or not a number")
            }
            return (t, try parameters.scaling())
        }
        return (theta ?? 10000, try scaling?.scaling() ?? RopeScaling.none)
    }

    func scaling() throws -> RopeScaling {
        let kind = ropeType ?? type ?? "default"
        func number(_ value: Double?, _ key: String) throws -> Double {
            guard let value else {
                throw ModelFileError(file: ModelConfig.fileName, "rope scaling \"\(kind)\" needs a numeric \"\(key)\"")
            }
            return value
        }
        switch kind {
        case "default":
            return .none
        case "linear":
            return .linear(factor: try number(factor, "factor"))
        case "llama3":
            return .llama3(factor: try number(factor, "factor"),
                           lowFreqFactor: try number(lowFreqFactor, "low_freq_factor"),
                           highFreqFactor: try number(highFreqFactor, "high_freq_factor"),
                           originalMaxPositions: Int(try number(originalMaxPositionEmbeddings, "original_max_position_embeddings")))
        default:
            throw ModelFileError(file: ModelConfig.fileName, "unsupported rope_scaling type \"\(kind)\" (supported: default, linear, llama3)")
        }
    }
}
