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

    @Test("a shard's prompt count and membership match its index list")
    func countsWithoutTheList() {
        for count in 1...4 {
            for blockSize in [1, 2, 3, 64] {
                for index in 0..<count {
                    let shard = ShardSpec(index: index, count: count, blockSize: blockSize)
                    for total in [0, 1, 2, 5, 63, 64, 65, 130, 257] {
                        let indices = shard.promptIndices(total: total)
                        #expect(shard.promptCount(total: total) == indices.count, "\(index)/\(count) × \(blockSize) of \(total)")
                        #expect((0..<total).filter(shard.contains(prompt:)) == indices)
                    }
                }
            }
        }
    }
}
