import Foundation
import Testing
import Interventions
import Transformer

@Suite struct ControlVectorTests {
    /// direction.n is added to block n's output: blocks.n.hook_resid_post, or
    /// blocks.(n+1).hook_resid_pre; block 0's output and anything else is refused.
    @Test func layerMapping() throws {
        #expect(try ControlVectorGGUF.layerIndex(of: .residPost(1), layers: 4) == 1)
        #expect(try ControlVectorGGUF.layerIndex(of: .residPost(3), layers: 4) == 3)
        #expect(try ControlVectorGGUF.layerIndex(of: .residPre(2), layers: 4) == 1)
        for bad: HookPoint in [.residPost(0), .residPre(1), .residPre(0), .residPost(4), .attnOut(2), .embed] {
            #expect(throws: InterventionError.self) { try ControlVectorGGUF.layerIndex(of: bad, layers: 4) }
        }
    }

    /// The bytes follow GGUF v3: header, three key-value pairs, tensor infos, aligned data.
    @Test func encodesGGUF() throws {
        let data = try ControlVectorGGUF.encode(vectors: [2: [1, 2, 3], 1: [4, 5, 6]], modelHint: "llama", layerCount: 2)
        var reader = ByteReader(data: [UInt8](data))
        #expect(reader.bytes(4) == Array("GGUF".utf8))
        #expect(reader.u32() == 3)
        #expect(reader.u64() == 2)
        #expect(reader.u64() == 3)
        #expect(reader.string() == "general.architecture"); #expect(reader.u32() == 8); #expect(reader.string() == "controlvector")
        #expect(reader.string() == "controlvector.model_hint"); #expect(reader.u32() == 8); #expect(reader.string() == "llama")
        #expect(reader.string() == "controlvector.layer_count"); #expect(reader.u32() == 5); #expect(reader.u32() == 2)
        var offsets: [String: UInt64] = [:]
        for _ in 0..<2 {
            let name = reader.string()
            #expect(reader.u32() == 1); #expect(reader.u64() == 3); #expect(reader.u32() == 0)
            offsets[name] = reader.u64()
        }
        let dataStart = (reader.position + 31) / 32 * 32
        func floats(_ name: String) -> [Float] {
            let start = dataStart + Int(offsets[name]!)
            return (0..<3).map { i in
                Float(bitPattern: UInt32(data[start + 4 * i]) | UInt32(data[start + 4 * i + 1]) << 8
                      | UInt32(data[start + 4 * i + 2]) << 16 | UInt32(data[start + 4 * i + 3]) << 24)
            }
        }
        #expect(floats("direction.1") == [4, 5, 6])
        #expect(floats("direction.2") == [1, 2, 3])
        #expect(throws: InterventionError.self) { try ControlVectorGGUF.encode(vectors: [0: [1]], modelHint: "x", layerCount: 1) }
        #expect(throws: InterventionError.self) { try ControlVectorGGUF.encode(vectors: [1: [1], 2: [1, 2]], modelHint: "x", layerCount: 2) }
        #expect(throws: InterventionError.self) { try ControlVectorGGUF.encode(vectors: [:], modelHint: "x", layerCount: 0) }
    }
}

struct ByteReader {
    let data: [UInt8]
    var position = 0
    mutating func bytes(_ n: Int) -> [UInt8] { defer { position += n }; return Array(data[position..<(position + n)]) }
    mutating func u32() -> UInt32 { bytes(4).enumerated().reduce(0) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) } }
    mutating func u64() -> UInt64 { bytes(8).enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) } }
    mutating func string() -> String { let n = Int(u64()); return String(decoding: bytes(n), as: UTF8.self) }
}
