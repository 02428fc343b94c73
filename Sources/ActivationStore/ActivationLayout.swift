/// The datasets of an activations file, opened and checked against the root attributes.
struct ActivationLayout {
    let path: String
    let dModel: Int
    let text, label, group, nTokens: HDF5Dataset
    let extra: HDF5Dataset?
    let ids, offsets: HDF5Dataset
    let acts: HDF5Group

    init(file: HDF5File, metadata: ActivationMetadata) throws {
        path = file.path
        dModel = metadata.dModel
        typealias P = ActivationSchema.Path
        let prompts = try Self.group(file, P.prompts)
        let tokens = try Self.group(file, P.tokens)
        acts = try Self.group(file, P.acts)
        text = try Self.dataset(prompts, P.text)
        label = try Self.dataset(prompts, P.label)
        group = try Self.dataset(prompts, P.group)
        nTokens = try Self.dataset(prompts, P.nTokens)
        extra = try prompts.contains(P.extra) ? prompts.openDataset(P.extra) : nil
        ids = try Self.dataset(tokens, P.ids)
        offsets = try Self.dataset(tokens, P.offsets)
        // Element types are checked here, once: reading or appending a string as a number (or
        // the reverse) fails deep in libhdf5's conversions, which leak on that path (found by
        // Fuzz/ActivationFile).
        for dataset in [text, group] + (extra.map { [$0] } ?? []) {
            try Self.expect(dataset, [.utf8String], "a string dataset")
        }
        for dataset in [label, nTokens, ids, offsets] {
            try Self.expect(dataset, [.int32, .int64], "an integer dataset")
        }
    }

    private static func expect(_ dataset: HDF5Dataset, _ types: [HDF5ElementType], _ what: String) throws {
        guard let type = try dataset.elementType(), types.contains(type) else {
            throw ActivationStoreError.invalidSchema(path: dataset.path, field: dataset.name, problem: "not \(what)")
        }
    }

    private static func group(_ file: HDF5File, _ name: String) throws -> HDF5Group {
        guard try file.contains(name) else {
            throw ActivationStoreError.invalidSchema(path: file.path, field: "/\(name)", problem: "missing group")
        }
        return try file.openGroup(name)
    }

    private static func dataset(_ group: HDF5Group, _ name: String) throws -> HDF5Dataset {
        guard try group.contains(name) else {
            throw ActivationStoreError.invalidSchema(path: group.path, field: group.childName(name), problem: "missing dataset")
        }
        return try group.openDataset(name)
    }

    /// Every per-prompt dataset must hold at least `prompts` rows (and offsets one more).
    func checkRows(prompts: Int) throws {
        for dataset in [text, label, group, nTokens] + (extra.map { [$0] } ?? []) {
            let shape = try dataset.shape()
            guard shape.count == 1, shape[0] >= prompts else {
                throw ActivationStoreError.invalidSchema(path: path, field: dataset.name,
                                                         problem: "shape \(shape), expected at least (\(prompts),)")
            }
        }
        let offsetRows = try offsets.rowCount()
        guard offsetRows >= prompts + 1 else {
            throw ActivationStoreError.invalidSchema(path: path, field: offsets.name,
                                                     problem: "has \(offsetRows) rows, expected at least \(prompts + 1)")
        }
    }

    /// Offsets must start at 0, never decrease, and stay inside `/tokens/ids`.
    func checkOffsets(_ values: [Int64]) throws {
        let idRows = try ids.rowCount()
        guard values.first == 0, zip(values, values.dropFirst()).allSatisfy({ $0 <= $1 }),
              let last = values.last, last <= Int64(idRows) else {
            throw ActivationStoreError.invalidSchema(path: path, field: offsets.name,
                                                     problem: "not increasing from 0 up to the \(idRows) token ids")
        }
    }

    func checkActivations(hook: String, rows: Int) throws {
        guard try acts.contains(hook) else {
            throw ActivationStoreError.invalidSchema(path: path, field: acts.childName(hook), problem: "missing dataset for a listed hook")
        }
        let dataset = try acts.openDataset(hook)
        let shape = try dataset.shape()
        guard shape.count == 2, shape[1] == dModel, shape[0] >= rows else {
            throw ActivationStoreError.invalidSchema(path: path, field: dataset.name,
                                                     problem: "shape \(shape), expected at least (\(rows), \(dModel))")
        }
        guard let type = try dataset.elementType(), type == .float32 || type == .float16 || type == .float64 else {
            throw ActivationStoreError.invalidSchema(path: path, field: dataset.name, problem: "not a float dataset")
        }
    }
}
