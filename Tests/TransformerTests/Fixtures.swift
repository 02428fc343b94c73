import Foundation
@_exported import TestSupport
import Testing

/// The golden files this suite reads (under `Tests/Fixtures`).
enum Fixtures {
    static let root = TestFixtures.root

    static func inference(_ name: String) -> URL { root.appendingPathComponent("inference/\(name)") }
}

/// The golden record the reference script writes beside each model.
struct InferenceReference: Decodable {
    let prompts: [[Int]]
    /// [prompt][hidden state index] → (tokens, d) flattened.
    let hidden_states: [[[Float]]]
    /// [prompt] → (tokens, vocab) flattened.
    let logits: [[Float]]
    let greedy: [[Int]]
    let new_tokens: Int
    let num_hidden_states: Int

    static func load(_ name: String) throws -> InferenceReference {
        let data = try Data(contentsOf: Fixtures.inference(name).appendingPathComponent("reference.json"))
        return try JSONDecoder().decode(InferenceReference.self, from: data)
    }
}

