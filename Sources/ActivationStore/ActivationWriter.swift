import Foundation
import Tensors

/// Streams batches of activations into a new (or resumed) activations file.
///
/// Kill safety: each `append` writes every dataset, flushes the whole file, and only then
/// records the new `n_done` (and flushes again), so a process killed at any point leaves a
/// file whose `n_done` counts only prompts whose rows are all on disk; `resume` cuts the rest.
///
/// Compressed files add one rule. Rewriting a gzip chunk makes libhdf5 move it and free the
/// old space, which it may hand out again before the next flush, overwriting rows that the
/// file's last flushed index still points to (a kill then leaves undecodable chunks; seen in
/// a kill stress test). So with `compress`, activation rows reach the file only in whole
/// chunks, each written once; the rows of the unfinished last chunk wait in memory, and
/// `n_done` counts only prompts whose rows are in whole chunks (so it lags by up to a chunk
/// until `finish()` writes the tail). Uncompressed chunks are rewritten in place and need
/// no such care.
///
/// Other processes: a new file is built under a temporary name in the same folder and renamed
/// into place once its schema is on disk, so a failed creation (full disk, bad metadata) leaves
/// nothing at `path`, and `force` replaces an old file whole instead of truncating it. A file
/// another process is writing (libhdf5 holds a lock on it) is never replaced. Before each
/// batch the writer checks that `path` is still the file it holds, so a run whose file was
/// replaced or removed fails instead of reporting rows that no file holds.
public final class ActivationWriter {
    public let path: String
    public let metadata: ActivationMetadata
    /// Prompts appended so far (the next prompt to extract is this one).
    public private(set) var nDone: Int
    /// Tokens appended so far (rows of `/tokens/ids`).
    public private(set) var tokensDone: Int
    /// Prompts a killed run would keep: the file's `n_done` (equal to `nDone` unless compressed).
    public private(set) var committed: Int
    private let file: HDF5File
    private let layout: ActivationLayout
    private let acts: [(hook: String, dataset: HDF5Dataset)]
    /// Token offsets of the prompts from `committed` to `nDone`, `(nDone - committed + 1,)`:
    /// what a commit needs, and no more, so a long run holds no per-prompt state.
    private var offsets: [Int64]
    /// Compressed files only: rows per chunk, rows already on disk, and per hook the
    /// `(pending rows, d_model)` values of the unfinished chunk.
    private let alignedChunkRows: Int?
    private var actRowsOnDisk: Int
    private var pendingRows: [String: [Float]]
    private var finished = false
    /// A write failed: the file is left as the last commit wrote it.
    private var failed = false
    /// The file this writer holds, as it was when opened or renamed into place.
    private let identity: FileIdentity?
    /// Whether this writer made the file (rather than resuming one).
    private let created: Bool

    /// Creates `path`. An existing file is refused unless `force`, and refused even then while
    /// another process writes it; a missing or read-only folder is an error.
    public convenience init(path: String, metadata: ActivationMetadata, force: Bool = false) throws {
        guard metadata.dModel > 0, !metadata.hooks.isEmpty else {
            throw ActivationStoreError.invalidSchema(path: path, field: "metadata", problem: "needs d_model > 0 and at least one hook")
        }
        try OutputFile.checkCanCreate(path, force: force, remedy: .forceOrResume)
        let temporary = OutputFile.temporarySibling(of: path)
        let (file, identity) = try Self.createSchemaFile(temporary, reportedPath: path, metadata: metadata)
        do {
            try OutputFile.moveIntoPlace(temporary, path)
        } catch {
            OutputFile.discard(temporary)
            throw error
        }
        try self.init(file: file, metadata: metadata, offsets: [0], committed: 0, pendingRows: [:], identity: identity,
                      created: true)
    }

    /// Writes the attributes and empty datasets into a new file at `temporary`, flushed; on
    /// any failure the temporary file is removed.
    private static func createSchemaFile(_ temporary: String, reportedPath: String,
                                         metadata: ActivationMetadata) throws -> (HDF5File, FileIdentity?) {
        do {
            let file = try HDF5File.create(path: temporary, overwrite: false, reportedPath: reportedPath)
            try metadata.write(to: file)
            try createDatasets(file, metadata)
            try file.setAttribute(ActivationSchema.Attribute.nDone, .int(0))
            try file.setAttribute(ActivationSchema.Attribute.complete, .int(0))
            try file.flush()
            return (file, FileIdentity(path: temporary))
        } catch {
            OutputFile.discard(temporary)
            throw error
        }
    }

    /// `offsets` are those of prompts `committed...nDone`.
    private init(file: HDF5File, metadata: ActivationMetadata, offsets: [Int64], committed: Int,
                 pendingRows: [String: [Float]], identity: FileIdentity?, created: Bool) throws {
        self.path = file.path
        self.file = file
        self.identity = identity
        self.created = created
        self.metadata = metadata
        self.offsets = offsets
        self.nDone = committed + offsets.count - 1
        self.tokensDone = Int(offsets[offsets.count - 1])
        self.committed = committed
        let layout = try ActivationLayout(file: file, metadata: metadata)
        self.layout = layout
        self.acts = try metadata.hooks.map { ($0, try layout.acts.openDataset($0)) }
        self.alignedChunkRows = metadata.compress ? Self.chunkRows(dModel: metadata.dModel, dtype: metadata.dtype) : nil
        self.pendingRows = pendingRows
        let rows = metadata.rowsPerToken ? tokensDone : nDone
        self.actRowsOnDisk = rows - (pendingRows.first?.value.count ?? 0) / metadata.dModel
    }

    /// Reopens a partly written file to continue after its `n_done` prompts, or starts it when
    /// there is none yet (so a requeued job that died before creating its file can resume).
    /// The file must have been written for the same model, prompt file, template, hooks and
    /// layout as `expected`; rows written after the last committed batch are discarded.
    public static func resume(path: String, expecting expected: ActivationMetadata) throws -> ActivationWriter {
        guard FileManager.default.fileExists(atPath: path) else {
            return try ActivationWriter(path: path, metadata: expected)
        }
        guard HDF5File.isHDF5(path: path) else {
            throw ActivationStoreError.notActivationsFile(path: path, reason: "not an HDF5 file")
        }
        let file = try HDF5File.open(path: path, mode: .readWrite)
        let identity = FileIdentity(path: path)
        let stored = try ActivationMetadata.read(from: file)
        if let (field, inFile, wanted) = firstDifference(stored, expected) {
            throw ActivationStoreError.resumeMismatch(path: path, field: field, inFile: inFile, expected: wanted)
        }
        let nDone = try ActivationMetadata.requiredInt(file, ActivationSchema.Attribute.nDone)
        let layout = try ActivationLayout(file: file, metadata: stored)
        try layout.checkRows(prompts: nDone)
        let offsets = try layout.offsets.readRows(0..<(nDone + 1), as: Int64.self)
        try layout.checkOffsets(offsets)
        let tokensDone = Int(offsets[nDone])
        // Cut what a killed batch may have extended past the committed prompts.
        for dataset in [layout.text, layout.label, layout.group, layout.nTokens] + (layout.extra.map { [$0] } ?? []) {
            try dataset.setRowCount(nDone)
        }
        try layout.offsets.setRowCount(nDone + 1)
        try layout.ids.setRowCount(tokensDone)
        let rows = stored.rowsPerToken ? tokensDone : nDone
        // Compressed: the rows of a partly filled last chunk go back to memory, so that chunk
        // is written once, whole (see the type's comment).
        let chunk = chunkRows(dModel: stored.dModel, dtype: stored.dtype)
        let keep = stored.compress ? rows / chunk * chunk : rows
        var pending: [String: [Float]] = [:]
        for hook in stored.hooks {
            try layout.checkActivations(hook: hook, rows: rows)
            let dataset = try layout.acts.openDataset(hook)
            if stored.compress { pending[hook] = try dataset.readFloatRows(keep..<rows) }
            try dataset.setRowCount(keep)
        }
        // The rows moved to memory are no longer on disk: n_done must not count their prompts
        // (their prompt rows stay; a later resume cuts them if this run dies first).
        let durable = stored.rowsPerToken ? (offsets.lastIndex { $0 <= Int64(keep) } ?? 0) : keep
        if durable != nDone { try file.setAttribute(ActivationSchema.Attribute.nDone, .int(durable)) }
        try file.setAttribute(ActivationSchema.Attribute.complete, .int(0))
        try file.flush()
        return try ActivationWriter(file: file, metadata: stored, offsets: Array(offsets[durable...]), committed: durable,
                                    pendingRows: pending, identity: identity, created: false)
    }

    /// The first field (in the order a user would check them) where two metadata differ.
    static func firstDifference(_ inFile: ActivationMetadata, _ wanted: ActivationMetadata) -> (String, String, String)? {
        let shardText = { (s: ShardSpec?) in s.map { "\($0.index)/\($0.count) blocks of \($0.blockSize)" } ?? "none" }
        let fields: [(String, String, String)] = [
            ("model_sha256", inFile.modelSHA256, wanted.modelSHA256),
            ("prompt_file_sha256", inFile.promptFileSHA256, wanted.promptFileSHA256),
            ("hooks", inFile.hooks.joined(separator: ","), wanted.hooks.joined(separator: ",")),
            ("positions", inFile.positions, wanted.positions),
            ("architecture", inFile.architecture, wanted.architecture),
            ("d_model", String(inFile.dModel), String(wanted.dModel)),
            ("n_layers", String(inFile.nLayers), String(wanted.nLayers)),
            ("dtype", inFile.dtype.rawValue, wanted.dtype.rawValue),
            ("compress", String(inFile.compress), String(wanted.compress)),
            ("shard", shardText(inFile.shard), shardText(wanted.shard)),
            ("template", inFile.template.map { "\"\($0)\"" } ?? "none", wanted.template.map { "\"\($0)\"" } ?? "none"),
            // Files from before the tokenizer was recorded cannot be checked for it.
            ("tokenizer_sha256", inFile.tokenizerSHA256 ?? wanted.tokenizerSHA256 ?? "", wanted.tokenizerSHA256 ?? inFile.tokenizerSHA256 ?? ""),
        ]
        return fields.first { $0.1 != $0.2 }
    }

    /// Appends `batch`, flushes, then commits it by advancing `n_done`. After a failed write
    /// (a full disk) the file keeps what its last commit left and this writer refuses more.
    public func append(batch: ActivationBatch) throws {
        guard !finished else { throw ActivationStoreError.alreadyFinished(path: path) }
        if failed { throw ActivationStoreError.cannotWrite(path: path, reason: "an earlier write failed (resume the file)") }
        try batch.validate(for: metadata, path: path)
        try checkStillInPlace()
        // Nothing is written yet: a full disk here leaves the file as it was, still usable.
        try file.reserve(bytes: reservation(rows: metadata.rowsPerToken ? batch.tokenCount : batch.count,
                                            textBytes: batch.texts.reduce(0) { $0 + $1.utf8.count }
                                                + batch.extras.reduce(0) { $0 + $1.utf8.count }
                                                + batch.groups.reduce(0) { $0 + $1.utf8.count },
                                            tokens: batch.tokenCount))
        try stopAfterFailure {
            try write(batch)
            try file.releaseReservation()
        }
    }

    /// An upper bound on what appending `rows` activation rows can make libhdf5 allocate: for
    /// every hook, the chunks not yet on disk that the rows (and those held back) reach, whole
    /// (compression only shrinks them); the prompt and token data twice over (heaps and
    /// chunks); and 8 KiB a hook plus 256 KiB for index nodes and object headers.
    private func reservation(rows: Int, textBytes: Int, tokens: Int) -> Int {
        let chunk = Self.chunkRows(dModel: metadata.dModel, dtype: metadata.dtype)
        let chunkBytes = chunk * metadata.dModel * metadata.dtype.bytes
        let pending = (pendingRows.first?.value.count ?? 0) / max(1, metadata.dModel)
        let chunksAfter = (actRowsOnDisk + pending + rows + chunk - 1) / chunk
        let chunksNow = (actRowsOnDisk + chunk - 1) / chunk
        return metadata.hooks.count * (chunksAfter - chunksNow) * chunkBytes + 2 * (textBytes + 40 * rows + 4 * tokens)
            + metadata.hooks.count * 8192 + (1 << 18)
    }

    /// Runs `body`; if it throws, no later write (the flush at close included) reaches the file.
    private func stopAfterFailure(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch {
            failed = true
            file.refuseFurtherWrites()
            throw error
        }
    }

    private func write(_ batch: ActivationBatch) throws {
        let k = batch.count
        guard k > 0 else { return }
        let newDone = nDone + k
        let newTokens = tokensDone + batch.tokenCount

        for (dataset, strings) in [(layout.text, batch.texts), (layout.group, batch.groups)]
            + (layout.extra.map { [($0, batch.extras)] } ?? []) {
            try dataset.setRowCount(newDone)
            try dataset.writeStrings(strings, at: nDone)
        }
        try layout.label.setRowCount(newDone)
        try layout.label.writeRows(batch.labels, at: nDone)
        try layout.nTokens.setRowCount(newDone)
        try layout.nTokens.writeRows(batch.tokenIDs.map { Int32($0.count) }, at: nDone)

        var running = Int64(tokensDone)
        let newOffsets = batch.tokenIDs.map { ids in
            running += Int64(ids.count)
            return running
        }
        try layout.offsets.setRowCount(newDone + 1)
        try layout.offsets.writeRows(newOffsets, at: nDone + 1)
        try layout.ids.setRowCount(newTokens)
        try layout.ids.writeRows(batch.tokenIDs.flatMap { $0 }, at: tokensDone)

        try writeActivations(batch.activations, final: false)
        try file.flush()
        nDone = newDone
        tokensDone = newTokens
        offsets += newOffsets
        try commit()
        // Everything is flushed: libhdf5's cache can shed what it holds, so memory stays flat.
        try file.trimMetadataCache()
    }

    /// Writes the rows of every hook: all of them, or (compressed) only whole chunks unless `final`.
    /// Every hook has the same number of rows, so all advance `actRowsOnDisk` alike.
    private func writeActivations(_ activations: [String: Tensor], final: Bool) throws {
        var written = 0
        for (hook, dataset) in acts {
            let pending = pendingRows[hook, default: []]
            let incoming = activations[hook]?.storage ?? []
            let rows = pending.isEmpty ? incoming : pending + incoming
            var count = rows.count / metadata.dModel
            if let chunk = alignedChunkRows, !final {
                count = (actRowsOnDisk + count) / chunk * chunk - actRowsOnDisk
            }
            let ready = count * metadata.dModel
            pendingRows[hook] = Array(rows[ready...])
            written = count
            guard count > 0 else { continue }
            try dataset.setRowCount(actRowsOnDisk + count)
            switch metadata.dtype {
            case .float32:
                try dataset.writeRows(ready == rows.count ? rows : Array(rows[..<ready]), at: actRowsOnDisk)
            case .float16:
                try rows.withUnsafeBufferPointer {
                    try dataset.writeFloat16Rows(UnsafeBufferPointer(rebasing: $0[..<ready]), at: actRowsOnDisk)
                }
            }
        }
        actRowsOnDisk += written
    }

    /// Records in `n_done` every prompt whose activation rows are all on disk (already flushed).
    private func commit() throws {
        var durable = nDone
        if !metadata.rowsPerToken {
            durable = min(nDone, actRowsOnDisk)
        } else {
            // Rows on disk only grow, so n_done never moves back past the last commit.
            while durable > committed && offsets[durable - committed] > Int64(actRowsOnDisk) { durable -= 1 }
        }
        guard durable != committed else { return }
        // Only now that every row is on disk does n_done move past it.
        try file.setAttribute(ActivationSchema.Attribute.nDone, .int(durable))
        try file.flush()
        offsets.removeFirst(durable - committed)
        committed = durable
    }

    /// Writes any rows still held back, marks the file complete (`complete = 1`); no further appends.
    public func finish() throws {
        guard !finished else { return }
        if failed { throw ActivationStoreError.cannotWrite(path: path, reason: "an earlier write failed (resume the file)") }
        try checkStillInPlace()
        try file.reserve(bytes: reservation(rows: 0, textBytes: 0, tokens: 0))
        try stopAfterFailure {
            try writeActivations([:], final: true)
            try file.flush()
            try commit()
            try file.setAttribute(ActivationSchema.Attribute.complete, .int(1))
            try file.flush()
            try file.releaseReservation()
        }
        finished = true
    }

    /// Throws when `path` no longer names the file this writer holds (another process
    /// replaced or removed it): rows written from here on would reach no file anyone can open.
    private func checkStillInPlace() throws {
        guard let identity, FileIdentity(path: path) == identity else { throw ActivationStoreError.replaced(path: path) }
    }

    /// For a run that failed: removes the file when this writer created it and no prompt was
    /// committed, so a failed start leaves nothing behind that would need `--force`.
    public func discardIfEmpty() {
        guard created, committed == 0, !finished, let identity, FileIdentity(path: path) == identity else { return }
        OutputFile.discard(path)
    }

    /// Rows per chunk for activations: about 1 MiB per chunk, so a chunk fits HDF5's default
    /// chunk cache and a compressed append rewrites at most one chunk.
    static func chunkRows(dModel: Int, dtype: ActivationDType) -> Int {
        min(1024, max(1, (1 << 20) / max(1, dModel * dtype.bytes)))
    }

    /// Sets a root attribute that is not part of the metadata (e.g. `merged_from`); flushed with the next commit.
    func setRootAttribute(_ name: String, _ value: HDF5AttributeValue) throws {
        try file.setAttribute(name, value)
    }

    /// Creates `/prompts`, `/tokens` and (unless `acts` is false) one `/acts` dataset per hook.
    static func createDatasets(_ file: HDF5File, _ metadata: ActivationMetadata, acts createActs: Bool = true) throws {
        typealias P = ActivationSchema.Path
        let prompts = try file.createGroup(P.prompts)
        for name in [P.text, P.group, P.extra] {
            _ = try prompts.createDataset(name, layout: HDF5DatasetLayout(elementType: .utf8String, chunkRows: 1024))
        }
        for name in [P.label, P.nTokens] {
            _ = try prompts.createDataset(name, layout: HDF5DatasetLayout(elementType: .int32, chunkRows: 4096))
        }
        let tokens = try file.createGroup(P.tokens)
        _ = try tokens.createDataset(P.ids, layout: HDF5DatasetLayout(elementType: .int32, chunkRows: 16384))
        let offsets = try tokens.createDataset(P.offsets, layout: HDF5DatasetLayout(elementType: .int64, chunkRows: 4096),
                                               initialRows: 1)
        try offsets.writeRows([Int64(0)], at: 0)
        let acts = try file.createGroup(P.acts)
        guard createActs else { return }
        let layout = HDF5DatasetLayout(elementType: metadata.dtype.elementType, rowShape: [metadata.dModel],
                                       chunkRows: chunkRows(dModel: metadata.dModel, dtype: metadata.dtype),
                                       compress: metadata.compress)
        for hook in metadata.hooks {
            _ = try acts.createDataset(hook, layout: layout)
        }
    }
}
