import Foundation
import ModelFiles
import Tensors

/// Reads an activations file (schema version 1) written by `ActivationWriter`, by a merge, or
/// by anyone following the schema. Only the first `nDone` prompts are visible: rows past it
/// belong to a batch that was never committed. The file stays open (read-only) while this
/// object lives, so release it before resuming a writer on the same path.
public final class ActivationFile {
    public let path: String
    public let metadata: ActivationMetadata
    /// 1 once the writer called `finish()`.
    public let complete: Bool
    /// Prompts committed (the number of prompts this reader shows).
    public let nDone: Int
    private let file: HDF5File
    /// Token offsets of each prompt into `/tokens/ids`, `(nDone + 1,)`.
    private let offsets: [Int64]

    /// Opens and validates `path`; every schema problem is a one-line `ActivationStoreError`.
    public init(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw ActivationStoreError.fileNotFound(path: path) }
        guard HDF5File.isHDF5(path: path) else {
            throw ActivationStoreError.notActivationsFile(path: path, reason: "not an HDF5 file")
        }
        self.path = path
        file = try HDF5File.open(path: path, mode: .readOnly)
        metadata = try ActivationMetadata.read(from: file)
        nDone = try ActivationMetadata.requiredInt(file, ActivationSchema.Attribute.nDone)
        complete = (try file.intAttribute(ActivationSchema.Attribute.complete) ?? 0) != 0
        guard nDone >= 0 else {
            throw ActivationStoreError.invalidSchema(path: path, field: "attribute n_done", problem: "negative (\(nDone))")
        }
        let layout = try ActivationLayout(file: file, metadata: metadata)
        try layout.checkRows(prompts: nDone)
        offsets = try layout.offsets.readRows(0..<(nDone + 1), as: Int64.self)
        try layout.checkOffsets(offsets)
        for hook in metadata.hooks {
            try layout.checkActivations(hook: hook, rows: rowsPerHook(offsets: offsets))
        }
    }

    /// A one-line warning when the file is not complete (a killed or running extraction, or a
    /// shard part): results computed from it cover only its first `nDone` prompts.
    public var incompleteWarning: String? {
        guard !complete else { return nil }
        let of = metadata.nPrompts.map { " of \($0)" } ?? ""
        return "warning: \(path) is incomplete (\(nDone)\(of) prompts written); "
            + "results cover only those prompts (finish it with extract --resume)"
    }

    /// `incompleteWarning` for the file at `path`; nil when complete or unreadable (reading
    /// it for real reports the error).
    public static func incompleteWarning(path: String) -> String? {
        (try? ActivationFile(path: path))?.incompleteWarning
    }

    private func rowsPerHook(offsets: [Int64]) -> Int {
        metadata.rowsPerToken ? Int(offsets[nDone]) : nDone
    }

    public var model: String { metadata.model }
    public var modelSHA256: String { metadata.modelSHA256 }
    public var architecture: String { metadata.architecture }
    public var dModel: Int { metadata.dModel }
    public var nLayers: Int { metadata.nLayers }
    public var positions: String { metadata.positions }
    /// The hooks stored under `/acts`, in extraction order.
    public var hookNames: [String] { metadata.hooks }
    /// The number of prompts (same as `nDone`).
    public var count: Int { nDone }

    private func dataset(_ group: String, _ name: String) throws -> HDF5Dataset {
        try file.openGroup(group).openDataset(name)
    }

    /// Prompt texts, `(N,)`.
    public var texts: [String] { get throws { try dataset(ActivationSchema.Path.prompts, ActivationSchema.Path.text).readStrings(0..<nDone) } }
    /// Labels, `(N,)`, -1 when unlabelled.
    public var labels: [Int32] { get throws { try dataset(ActivationSchema.Path.prompts, ActivationSchema.Path.label).readRows(0..<nDone) } }
    /// Groups, `(N,)`, "" when none.
    public var groups: [String] { get throws { try dataset(ActivationSchema.Path.prompts, ActivationSchema.Path.group).readStrings(0..<nDone) } }
    /// Tokens per prompt, `(N,)`.
    public var nTokens: [Int32] { get throws { try dataset(ActivationSchema.Path.prompts, ActivationSchema.Path.nTokens).readRows(0..<nDone) } }
    /// The extra JSON object of each prompt (fields of the prompt file beyond prompt/label/group).
    public var extras: [String] {
        get throws {
            let prompts = try file.openGroup(ActivationSchema.Path.prompts)
            guard try prompts.contains(ActivationSchema.Path.extra) else { return Array(repeating: "{}", count: nDone) }
            return try prompts.openDataset(ActivationSchema.Path.extra).readStrings(0..<nDone)
        }
    }

    /// The token ids of prompt `prompt`.
    public func tokenIDs(prompt: Int) throws -> [Int32] {
        try dataset(ActivationSchema.Path.tokens, ActivationSchema.Path.ids).readRows(tokenRange(prompt: prompt))
    }

    /// Every prompt's token ids, concatenated `(T,)`; slice with `tokenRange(prompt:)`.
    public func allTokenIDs() throws -> [Int32] {
        try dataset(ActivationSchema.Path.tokens, ActivationSchema.Path.ids).readRows(0..<Int(offsets[nDone]))
    }

    /// Rows of `/tokens/ids` (and of `/acts/*` when positions is "all") that belong to `prompt`.
    public func tokenRange(prompt: Int) throws -> Range<Int> {
        guard prompt >= 0, prompt < nDone else {
            throw ActivationStoreError.invalidSchema(path: path, field: "prompt \(prompt)", problem: "out of range (\(nDone) prompts)")
        }
        return Int(offsets[prompt])..<Int(offsets[prompt + 1])
    }

    /// Rows of every `/acts/<hook>`: prompts, or tokens when positions is "all".
    public func rowCount(hook: String) throws -> Int {
        guard metadata.hooks.contains(hook) else { throw ActivationStoreError.unknownHook(path: path, hook: hook) }
        return rowsPerHook(offsets: offsets)
    }

    /// All rows of a hook as `(rows, d_model)` Float32 (float16 files are widened).
    public func rows(hook: String) throws -> Tensor {
        try rows(hook: hook, range: 0..<rowCount(hook: hook))
    }

    /// Rows `range` of a hook as `(range.count, d_model)` Float32.
    public func rows(hook: String, range: Range<Int>) throws -> Tensor {
        let total = try rowCount(hook: hook)
        guard range.lowerBound >= 0, range.upperBound <= total else {
            throw ActivationStoreError.rowsOutOfRange(path: path, hook: hook, range: range, rows: total)
        }
        let values = try dataset(ActivationSchema.Path.acts, hook).readFloatRows(range)
        return Tensor(shape: [range.count, dModel], storage: values)
    }

    /// Reads a hook `blockSize` rows at a time, so memory stays bounded on big files.
    public func rowBlocks(hook: String, blockSize: Int) throws -> ActivationRowBlocks {
        ActivationRowBlocks(file: self, hook: hook, total: try rowCount(hook: hook), blockSize: max(1, blockSize))
    }

    /// The block index in a hook name (`blocks.3.hook_resid_post` → 3); nil for `hook_embed`
    /// and `ln_final.hook_normalized`.
    public static func layer(ofHook hook: String) -> Int? { HookPoint(name: hook)?.blockIndex }
}

/// Successive row blocks of one hook; call `next()` until it returns nil.
public struct ActivationRowBlocks {
    let file: ActivationFile
    public let hook: String
    /// Rows in the hook.
    public let total: Int
    public let blockSize: Int
    private var start = 0

    init(file: ActivationFile, hook: String, total: Int, blockSize: Int) {
        self.file = file
        self.hook = hook
        self.total = total
        self.blockSize = blockSize
    }

    /// The next block: its row range and its `(rows, d_model)` values.
    public mutating func next() throws -> (range: Range<Int>, rows: Tensor)? {
        guard start < total else { return nil }
        let range = start..<min(total, start + blockSize)
        start = range.upperBound
        return (range, try file.rows(hook: hook, range: range))
    }
}
