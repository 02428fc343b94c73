import Formats
import Testing
@testable import ActivationStore

@Suite("Shard selection")
struct ShardSpecTests {
    @Test("shards own round-robin blocks of prompts")
    func shards() throws {
        let shard = try ShardSpec.parse("1/3", blockSize: 2)
        #expect(shard == ShardSpec(index: 1, count: 3, blockSize: 2))
        #expect(shard.promptIndices(total: 14) == [2, 3, 8, 9])
        let all = (0..<3).flatMap { ShardSpec(index: $0, count: 3, blockSize: 2).promptIndices(total: 14) }
        #expect(all.sorted() == Array(0..<14))
        for bad in ["3/3", "1", "-1/2", "a/b", "1/0"] {
            #expect(thrownDescription { _ = try ShardSpec.parse(bad, blockSize: 2) }
                    == "--shard: invalid value \"\(bad)\" (expected k/N with 0 <= k < N)")
        }
    }
}
