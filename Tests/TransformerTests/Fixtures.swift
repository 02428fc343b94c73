import Foundation
import Testing

/// Locates `Tests/Fixtures` from this source file, so tests read the committed golden files.
enum Fixtures {
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent("Fixtures")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        }
        return URL(fileURLWithPath: "Tests/Fixtures")
    }()

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

/// max |a − b| / max(|b|), the one tolerance measure every golden comparison uses.
func relativeError(_ a: some Collection<Float>, _ b: some Collection<Float>) -> Float {
    precondition(a.count == b.count, "compared tensors differ in size: \(a.count) vs \(b.count)")
    var diff: Float = 0, scale: Float = 0
    for (x, y) in zip(a, b) {
        diff = max(diff, abs(x - y))
        scale = max(scale, abs(y))
    }
    return diff / max(scale, 1e-12)
}
