import Foundation
import Tensors

/// A shard set that cannot be merged, as one line naming the part file and the problem.
public enum ActivationMergeError: Error, CustomStringConvertible, Equatable, Sendable {
    case noParts
    case notAShard(path: String)
    case incomplete(path: String, nDone: Int)
    case mismatch(path: String, field: String, value: String, first: String, firstValue: String)
    case duplicateShard(index: Int, count: Int, paths: [String])
    case missingShards([Int], count: Int)
    case wrongSize(path: String, nDone: Int, expected: Int)

    public var description: String {
        switch self {
        case .noParts:
            return "merge: no part files given"
        case let .notAShard(path):
            return "\(path): not a shard part file (no shard_count attribute)"
        case let .incomplete(path, nDone):
            return "\(path): incomplete part (n_done \(nDone)); resume it before merging"
        case let .mismatch(path, field, value, first, firstValue):
            return "\(path): \(field) is \(value) but \(first) has \(firstValue)"
        case let .duplicateShard(index, count, paths):
            return "merge: shard \(index)/\(count) given twice (\(paths.joined(separator: ", ")))"
        case let .missingShards(indices, count):
            return "merge: missing shard\(indices.count > 1 ? "s" : "") \(indices.map { "\($0)/\(count)" }.joined(separator: ", "))"
        case let .wrongSize(path, nDone, expected):
            return "\(path): holds \(nDone) prompts, but round-robin sharding of the whole set gives it \(expected)"
        }
    }
}

/// Joins the part files of a sharded extraction into one activations file, in the original
/// prompt order.
public enum ActivationMerge {
    public enum Mode: Sendable { case virtual, copy }

    /// One contiguous run of prompts: global prompts `global`, stored in `part` at `local`.
    struct Block {
        let part: Int
        let global: Range<Int>
        let local: Range<Int>
    }

    /// Merges `parts` into `output`. `.virtual` maps each `/acts` dataset onto the parts
    /// (an HDF5 virtual dataset: nothing copied, the parts must stay next to it);
    /// `.copy` writes a standalone file. Prompts, tokens and labels are always copied.
    ///
    /// The output appears whole or not at all: it is built under a temporary name beside
    /// `output` and renamed into place at the end (a killed merge leaves only a hidden
    /// `.partial` file, never a half-written `output`).
    public static func merge(parts: [String], output: String, mode: Mode, force: Bool = false) throws {
        try OutputFile.checkCanCreate(output, force: force, remedy: .force)
        let files = try parts.map { try ActivationFile(path: $0) }
        let shards = try checkShards(files)
        let total = files.reduce(0) { $0 + $1.nDone }
        for (i, file) in files.enumerated() {
            let expected = shards[i].promptIndices(total: total).count
            guard file.nDone == expected else { throw ActivationMergeError.wrongSize(path: file.path, nDone: file.nDone, expected: expected) }
        }
        let blocks = Self.blocks(shards: shards, total: total)
        var metadata = files[0].metadata
        metadata.shard = nil
        metadata.nPrompts = total
        let partNames = files.map { URL(fileURLWithPath: $0.path).lastPathComponent }
        let temporary = OutputFile.temporarySibling(of: output)
        do {
            switch mode {
            case .copy: try copy(files, blocks: blocks, metadata: metadata, output: temporary, partNames: partNames)
            case .virtual:
                try virtual(files, blocks: blocks, metadata: metadata, output: temporary, reportedPath: output, partNames: partNames)
            }
            // Checked again: a writer may have opened the old output while this merge ran.
            if OutputFile.isWriteLocked(output) { throw ActivationStoreError.locked(path: output) }
            try OutputFile.moveIntoPlace(temporary, output)
        } catch {
            OutputFile.discard(temporary)
            throw error
        }
    }

    /// Every part is a complete shard of the same run, and together they are all the shards.
    static func checkShards(_ files: [ActivationFile]) throws -> [ShardSpec] {
        guard let first = files.first else { throw ActivationMergeError.noParts }
        var shards: [ShardSpec] = []
        for file in files {
            guard let shard = file.metadata.shard else { throw ActivationMergeError.notAShard(path: file.path) }
            guard file.complete else { throw ActivationMergeError.incomplete(path: file.path, nDone: file.nDone) }
            var a = file.metadata, b = first.metadata
            (a.shard, b.shard, a.nPrompts, b.nPrompts) = (nil, nil, nil, nil)
            if let (field, value, firstValue) = ActivationWriter.firstDifference(a, b) {
                throw ActivationMergeError.mismatch(path: file.path, field: field, value: value, first: first.path, firstValue: firstValue)
            }
            if let f = first.metadata.shard, f.count != shard.count || f.blockSize != shard.blockSize {
                throw ActivationMergeError.mismatch(path: file.path, field: "shard layout",
                                                    value: "\(shard.count) shards of blocks of \(shard.blockSize)", first: first.path,
                                                    firstValue: "\(f.count) shards of blocks of \(f.blockSize)")
            }
            if let other = zip(files, shards).first(where: { $0.1.index == shard.index }) {
                throw ActivationMergeError.duplicateShard(index: shard.index, count: shard.count, paths: [other.0.path, file.path])
            }
            shards.append(shard)
        }
        let count = shards[0].count
        let missing = (0..<count).filter { i in !shards.contains { $0.index == i } }
        guard missing.isEmpty else { throw ActivationMergeError.missingShards(missing, count: count) }
        return shards
    }

    /// The prompt blocks in global order: block b belongs to shard b % N, where it is local block b / N.
    static func blocks(shards: [ShardSpec], total: Int) -> [Block] {
        guard let spec = shards.first else { return [] }
        var blocks: [Block] = []
        var start = 0, b = 0
        while start < total {
            let end = min(total, start + spec.blockSize)
            let shard = b % spec.count
            let part = shards.firstIndex { $0.index == shard } ?? 0
            let localStart = (b / spec.count) * spec.blockSize
            blocks.append(Block(part: part, global: start..<end, local: localStart..<(localStart + end - start)))
            start = end
            b += 1
        }
        return blocks
    }

    /// The rows of `/acts/*` that a block of prompts covers in its part.
    static func actRows(_ file: ActivationFile, _ prompts: Range<Int>) throws -> Range<Int> {
        guard file.metadata.rowsPerToken else { return prompts }
        guard !prompts.isEmpty else { return 0..<0 }
        return try file.tokenRange(prompt: prompts.lowerBound).lowerBound..<file.tokenRange(prompt: prompts.upperBound - 1).upperBound
    }

    /// A part's per-prompt data, read once (these are small next to the activations).
    struct PartPrompts {
        let texts: [String], labels: [Int32], groups: [String], extras: [String]
        let tokenIDs: [Int32]
        let file: ActivationFile

        init(_ file: ActivationFile) throws {
            self.file = file
            texts = try file.texts
            labels = try file.labels
            groups = try file.groups
            extras = try file.extras
            tokenIDs = try file.allTokenIDs()
        }

        /// The prompts `prompts` as a batch (activations only when `withActivations`).
        func batch(_ prompts: Range<Int>, withActivations: Bool) throws -> ActivationBatch {
            var activations: [String: Tensor] = [:]
            if withActivations {
                let rows = try actRows(file, prompts)
                for hook in file.hookNames { activations[hook] = try file.rows(hook: hook, range: rows) }
            }
            return ActivationBatch(texts: Array(texts[prompts]), labels: Array(labels[prompts]),
                                   groups: Array(groups[prompts]), extras: Array(extras[prompts]),
                                   tokenIDs: try prompts.map { Array(tokenIDs[try file.tokenRange(prompt: $0)]) },
                                   activations: activations)
        }
    }

    private static func copy(_ files: [ActivationFile], blocks: [Block], metadata: ActivationMetadata, output: String,
                             partNames: [String]) throws {
        let cached = try files.map { try PartPrompts($0) }
        let writer = try ActivationWriter(path: output, metadata: metadata)
        try writer.setRootAttribute(ActivationSchema.Attribute.mergedFrom, .strings(partNames))
        for block in blocks {
            try writer.append(batch: cached[block.part].batch(block.local, withActivations: true))
        }
        try writer.finish()
    }

    private static func virtual(_ files: [ActivationFile], blocks: [Block], metadata: ActivationMetadata, output: String,
                                reportedPath: String, partNames: [String]) throws {
        // Prompt and token datasets are small: copy them through the writer's layout, then map /acts.
        let folder = URL(fileURLWithPath: output).deletingLastPathComponent().standardizedFileURL.path
        let file = try HDF5File.create(path: output, overwrite: false, reportedPath: reportedPath)
        try metadata.write(to: file)
        try ActivationWriter.createDatasets(file, metadata, acts: false)
        typealias P = ActivationSchema.Path
        let prompts = try file.openGroup(P.prompts), tokens = try file.openGroup(P.tokens)
        let cached = try files.map { try PartPrompts($0) }
        var merged = ActivationBatch(texts: [], labels: [], groups: [], extras: [], tokenIDs: [], activations: [:])
        var mappings: [String: [HDF5VirtualMapping]] = [:]
        var rowsSoFar = 0
        for block in blocks {
            let part = files[block.part]
            let b = try cached[block.part].batch(block.local, withActivations: false)
            merged.texts += b.texts
            merged.labels += b.labels
            merged.groups += b.groups
            merged.extras += b.extras
            merged.tokenIDs += b.tokenIDs
            let rows = try actRows(part, block.local)
            for hook in metadata.hooks {
                mappings[hook, default: []].append(HDF5VirtualMapping(
                    sourceFile: sourcePath(part.path, from: folder), sourceDataset: "/\(P.acts)/\(hook)",
                    sourceStart: rows.lowerBound, sourceRows: try part.rowCount(hook: hook),
                    destinationStart: rowsSoFar, rows: rows.count))
            }
            rowsSoFar += rows.count
        }
        try prompts.openDataset(P.text).appendStrings(merged.texts)
        try prompts.openDataset(P.group).appendStrings(merged.groups)
        try prompts.openDataset(P.extra).appendStrings(merged.extras)
        try prompts.openDataset(P.label).append(merged.labels)
        try prompts.openDataset(P.nTokens).append(merged.tokenIDs.map { Int32($0.count) })
        var running: Int64 = 0
        try tokens.openDataset(P.offsets).append(merged.tokenIDs.map { running += Int64($0.count); return running })
        try tokens.openDataset(P.ids).append(merged.tokenIDs.flatMap { $0 })
        let acts = try file.openGroup(P.acts)
        for hook in metadata.hooks {
            _ = try acts.createVirtualDataset(hook, elementType: metadata.dtype.elementType, rowShape: [metadata.dModel],
                                              rows: rowsSoFar, mappings: mappings[hook, default: []])
        }
        try file.setAttribute(ActivationSchema.Attribute.mergedFrom, .strings(partNames))
        try file.setAttribute(ActivationSchema.Attribute.nDone, .int(metadata.nPrompts ?? 0))
        try file.setAttribute(ActivationSchema.Attribute.complete, .int(1))
        try file.flush()
    }

    /// A part's path as the virtual dataset stores it: relative when it sits in the output's
    /// folder (so the pair can be moved together), absolute otherwise.
    static func sourcePath(_ part: String, from folder: String) -> String {
        let url = URL(fileURLWithPath: part).standardizedFileURL
        return url.deletingLastPathComponent().path == folder ? url.lastPathComponent : url.path
    }
}
