import Foundation
import Tensors

/// Streams batches of activations into a new (or resumed) activations file.
///
/// Kill safety: each `append` writes every dataset, flushes the whole file, and only then
/// records the new `n_done` (and flushes again). A process killed at any point leaves a file
/// whose `n_done` counts only fully written prompts; `resume` cuts anything past it.
public final class ActivationWriter {
    public let path: String
    public let metadata: ActivationMetadata
    /// Prompts committed so far.
    public private(set) var nDone: Int
    /// Tokens committed so far (rows of `/tokens/ids`).
    public private(set) var tokensDone: Int
    private let file: HDF5File
    private let layout: ActivationLayout
    private var finished = false

    /// Creates `path`. An existing file is refused unless `force`; a missing folder is an error.
    public convenience init(path: String, metadata: ActivationMetadata, force: Bool = false) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw ActivationStoreError.outputFolderMissing(path: path, folder: folder)
        }
        if FileManager.default.fileExists(atPath: path) && !force {
            throw ActivationStoreError.fileExists(path: path)
        }
        guard metadata.dModel > 0, !metadata.hooks.isEmpty else {
            throw ActivationStoreError.invalidSchema(path: path, field: "metadata", problem: "needs d_model > 0 and at least one hook")
        }
        let file = try HDF5File.create(path: path, overwrite: force)
        try metadata.write(to: file)
        try Self.createDatasets(file, metadata)
        try file.setAttribute(ActivationSchema.Attribute.nDone, .int(0))
        try file.setAttribute(ActivationSchema.Attribute.complete, .int(0))
        try file.flush()
        try self.init(file: file, metadata: metadata, nDone: 0, tokensDone: 0)
    }

    private init(file: HDF5File, metadata: ActivationMetadata, nDone: Int, tokensDone: Int) throws {
        self.path = file.path
        self.file = file
        self.metadata = metadata
        self.nDone = nDone
        self.tokensDone = tokensDone
        self.layout = try ActivationLayout(file: file, metadata: metadata)
    }

    /// Reopens a partly written file to continue after its `n_done` prompts. The file must
    /// have been written for the same model, prompt file, hooks and layout as `expected`;
    /// rows written after the last committed batch are discarded.
    public static func resume(path: String, expecting expected: ActivationMetadata) throws -> ActivationWriter {
        guard FileManager.default.fileExists(atPath: path) else { throw ActivationStoreError.fileNotFound(path: path) }
        guard HDF5File.isHDF5(path: path) else {
            throw ActivationStoreError.notActivationsFile(path: path, reason: "not an HDF5 file")
        }
        let file = try HDF5File.open(path: path, mode: .readWrite)
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
        for hook in stored.hooks {
            try layout.checkActivations(hook: hook, rows: stored.rowsPerToken ? tokensDone : nDone)
            try layout.acts.openDataset(hook).setRowCount(stored.rowsPerToken ? tokensDone : nDone)
        }
        try file.setAttribute(ActivationSchema.Attribute.complete, .int(0))
        try file.flush()
        return try ActivationWriter(file: file, metadata: stored, nDone: nDone, tokensDone: tokensDone)
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
        ]
        return fields.first { $0.1 != $0.2 }
    }

    /// Appends `batch`, flushes, then commits it by advancing `n_done`.
    public func append(batch: ActivationBatch) throws {
        guard !finished else { throw ActivationStoreError.alreadyFinished(path: path) }
        try batch.validate(for: metadata, path: path)
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

        var offsets: [Int64] = []
        offsets.reserveCapacity(k)
        var running = tokensDone
        for ids in batch.tokenIDs {
            running += ids.count
            offsets.append(Int64(running))
        }
        try layout.offsets.setRowCount(newDone + 1)
        try layout.offsets.writeRows(offsets, at: nDone + 1)
        try layout.ids.setRowCount(newTokens)
        try layout.ids.writeRows(batch.tokenIDs.flatMap { $0 }, at: tokensDone)

        let (start, end) = metadata.rowsPerToken ? (tokensDone, newTokens) : (nDone, newDone)
        for hook in metadata.hooks {
            guard let tensor = batch.activations[hook] else { continue }  // validate() guarantees it
            let dataset = try layout.acts.openDataset(hook)
            try dataset.setRowCount(end)
            switch metadata.dtype {
            case .float32: try dataset.writeRows(tensor.storage, at: start)
            case .float16: try tensor.storage.withUnsafeBufferPointer { try dataset.writeFloat16Rows($0, at: start) }
            }
        }
        try file.flush()
        // Only now that every row is on disk does n_done move past it.
        try file.setAttribute(ActivationSchema.Attribute.nDone, .int(newDone))
        try file.flush()
        nDone = newDone
        tokensDone = newTokens
    }

    /// Marks the file complete (`complete = 1`); no further appends.
    public func finish() throws {
        guard !finished else { return }
        try file.setAttribute(ActivationSchema.Attribute.complete, .int(1))
        try file.flush()
        finished = true
    }

    /// Rows per chunk for activations: about 1 MiB per chunk, so a chunk fits HDF5's default
    /// chunk cache and a compressed append rewrites at most one chunk.
    static func chunkRows(dModel: Int, dtype: ActivationDType) -> Int {
        min(1024, max(1, (1 << 20) / max(1, dModel * dtype.bytes)))
    }

    private static func createDatasets(_ file: HDF5File, _ metadata: ActivationMetadata) throws {
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
        let layout = HDF5DatasetLayout(elementType: metadata.dtype.elementType, rowShape: [metadata.dModel],
                                       chunkRows: chunkRows(dModel: metadata.dModel, dtype: metadata.dtype),
                                       compress: metadata.compress)
        for hook in metadata.hooks {
            _ = try acts.createDataset(hook, layout: layout)
        }
    }
}
