import Foundation
import Testing
@testable import ActivationStore

@Suite("Shard merge")
struct MergeTests {
    static let total = 23, blockSize = 4, shards = 3

    /// Writes the shard parts (in batches of 3 prompts) and an unsharded reference.
    func writeParts(_ base: ActivationMetadata, in folder: URL, skip: Set<Int> = []) throws -> (parts: [String], reference: String) {
        var parts: [String] = []
        for k in 0..<Self.shards where !skip.contains(k) {
            var metadata = base
            metadata.shard = ShardSpec(index: k, count: Self.shards, blockSize: Self.blockSize)
            let mine = metadata.shard?.promptIndices(total: Self.total) ?? []
            metadata.nPrompts = mine.count
            let path = folder.appendingPathComponent("part-\(k).h5").path
            let writer = try ActivationWriter(path: path, metadata: metadata)
            for start in stride(from: 0, to: mine.count, by: 3) {
                try writer.append(batch: SyntheticRun.prompts(Array(mine[start..<min(mine.count, start + 3)]), metadata: metadata))
            }
            try writer.finish()
            parts.append(path)
        }
        var metadata = base
        metadata.nPrompts = Self.total
        let reference = folder.appendingPathComponent("reference.h5").path
        let writer = try ActivationWriter(path: reference, metadata: metadata)
        try writer.append(batch: SyntheticRun.prompts(Array(0..<Self.total), metadata: metadata))
        try writer.finish()
        return (parts.reversed(), reference)  // part order on the command line must not matter
    }

    @Test("virtual and copied merges equal an unsharded run", arguments: [
        (ActivationMerge.Mode.virtual, "last", ActivationDType.float32),
        (.copy, "last", .float32),
        (.virtual, "all", .float16),
        (.copy, "all", .float16),
    ])
    func mergeEqualsReference(mode: ActivationMerge.Mode, positions: String, dtype: ActivationDType) throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (parts, reference) = try writeParts(SyntheticRun.metadata(positions: positions, dtype: dtype), in: folder)
        let output = folder.appendingPathComponent("merged.h5").path
        try ActivationMerge.merge(parts: parts, output: output, mode: mode)
        try expectSameContents(output, reference)
        let file = try HDF5File.open(path: output, mode: .readOnly)
        #expect(try file.openGroup("acts").openDataset("blocks.0.hook_resid_post").isVirtual() == (mode == .virtual))
        #expect(try file.stringArrayAttribute("merged_from") == ["part-2.h5", "part-1.h5", "part-0.h5"])
    }

    @Test("refuses missing, duplicate, foreign, incomplete and unsharded parts")
    func refusals() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (parts, reference) = try writeParts(SyntheticRun.metadata(), in: folder, skip: [1])
        let output = folder.appendingPathComponent("m.h5").path
        #expect(thrownDescription { try ActivationMerge.merge(parts: parts, output: output, mode: .virtual) }
                == "merge: missing shard 1/3")
        #expect(thrownDescription { try ActivationMerge.merge(parts: parts + [parts[0]], output: output, mode: .copy) }
                == "merge: shard 2/3 given twice (\(parts[0]), \(parts[0]))")
        #expect(thrownDescription { try ActivationMerge.merge(parts: [reference], output: output, mode: .copy) }
                == "\(reference): not a shard part file (no shard_count attribute)")

        var other = SyntheticRun.metadata()
        other.modelSHA256 = "00"
        other.shard = ShardSpec(index: 1, count: 3, blockSize: 4)
        let foreign = folder.appendingPathComponent("foreign.h5").path
        let writer = try ActivationWriter(path: foreign, metadata: other)
        #expect(thrownDescription { try ActivationMerge.merge(parts: parts + [foreign], output: output, mode: .copy) }
                == "\(foreign): incomplete part (n_done 0); resume it before merging")
        try writer.finish()
        #expect(thrownDescription { try ActivationMerge.merge(parts: parts + [foreign], output: output, mode: .copy) }
                == "\(foreign): model_sha256 is 00 but \(parts[0]) has \(SyntheticRun.metadata().modelSHA256)")
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}
