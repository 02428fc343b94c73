import Formats

/// Shard `index` of `count`: prompts are cut into blocks of `blockSize` and block `b` belongs
/// to shard `b % count`, so every shard sees early and late prompts alike.
public struct ShardSpec: Sendable, Equatable {
    public var index: Int
    public var count: Int
    public var blockSize: Int

    public init(index: Int, count: Int, blockSize: Int) {
        self.index = index
        self.count = count
        self.blockSize = blockSize
    }

    /// Parses `k/N` (0-based k < N), as given to `--shard`.
    public static func parse(_ text: String, blockSize: Int) throws -> ShardSpec {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, k >= 0, k < n else {
            throw HookSelectionError.invalid(flag: "--shard", value: text, expected: "k/N with 0 <= k < N")
        }
        guard blockSize >= 1 else {
            throw HookSelectionError.invalid(flag: "--shard-block", value: String(blockSize), expected: "a positive block size")
        }
        return ShardSpec(index: k, count: n, blockSize: blockSize)
    }

    /// The shard that owns prompt `prompt` of the full prompt file.
    public func shard(ofPrompt prompt: Int) -> Int { (prompt / blockSize) % count }

    /// Whether prompt `prompt` of the full prompt file is this shard's.
    public func contains(prompt: Int) -> Bool { shard(ofPrompt: prompt) == index }

    /// How many of `total` prompts are this shard's (`promptIndices(total:).count`, without the list).
    public func promptCount(total: Int) -> Int {
        let fullBlocks = total / blockSize
        let wholeBlocks = fullBlocks > index ? (fullBlocks - index - 1) / count + 1 : 0
        let tail = total % blockSize
        return wholeBlocks * blockSize + (tail > 0 && fullBlocks % count == index ? tail : 0)
    }

    /// This shard's prompts, in the order it writes them.
    public func promptIndices(total: Int) -> [Int] {
        (0..<total).filter { shard(ofPrompt: $0) == index }
    }
}
