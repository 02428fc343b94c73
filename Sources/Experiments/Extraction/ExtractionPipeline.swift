import Formats
import Foundation
import Tensors
import Tokenizers
import Transformer

/// One prompt as an extraction stores it.
public struct ExtractedPrompt {
    /// The prompt line, its `prompt` being the text the model saw (rendered).
    public var record: LabeledPrompt
    public var tokenIDs: [Int]
    /// Hook name → the rows `positions` selects: (1, d_model), or (tokens, d_model) for `all`.
    public var rows: [String: Tensor]
}

/// The extraction pipeline: rendered prompts (`PromptRenderer.rendered`) → tokens → one packed
/// forward pass per batch with capture hooks → the rows `positions` selects, in prompt order.
/// What becomes of the rows (an HDF5 activations file, for the CLI) is the caller's `sink`.
public struct ExtractionPipeline {
    public let model: TransformerModel
    public let tokenizer: Tokenizer
    /// The hooked points in forward order; `hookNames` are their names.
    public let points: [HookPoint]
    public let position: PositionSelection
    /// Tokenizes the rendered text (a chat template's text already holds its special tokens).
    public let renderer: PromptRenderer
    public let batchSize: Int
    /// Names the prompt file in errors.
    public let promptFile: String

    /// Resolves `hooks` against the model's layers; errors name the flag.
    public init(model: TransformerModel, tokenizer: Tokenizer, hooks: HookSelection, position: PositionSelection,
                renderer: PromptRenderer = PromptRenderer(.plain(template: nil)), batchSize: Int = 16,
                promptFile: String = "prompts") throws {
        guard batchSize >= 1 else { throw ExperimentError("--batch-size must be at least 1") }
        self.model = model
        self.tokenizer = tokenizer
        self.points = try hooks.resolve(nLayers: model.config.layerCount)
        self.position = position
        self.renderer = renderer
        self.batchSize = batchSize
        self.promptFile = promptFile
    }

    public var hookNames: [String] { points.map(\.name) }

    /// Extracts the rendered `prompts[indices[start...]]` batch by batch, handing each batch's prompts to
    /// `sink` in order (so a caller can flush and resume at any batch boundary).
    public func run(_ prompts: [LabeledPrompt], indices: [Int], from start: Int = 0,
                    sink: ([ExtractedPrompt]) throws -> Void) throws {
        var next = start
        while next < indices.count {
            let chunk = Array(indices[next..<min(indices.count, next + batchSize)])
            try sink(try extract(chunk.map { prompts[$0] }, promptNumbers: chunk.map { $0 + 1 }))
            next += chunk.count
        }
    }

    /// One batch of rendered prompts: tokenizes, runs one forward pass and selects the rows.
    /// `promptNumbers` (1-based records of the prompt file) label errors.
    public func extract(_ records: [LabeledPrompt], promptNumbers: [Int]) throws -> [ExtractedPrompt] {
        var seen: [LabeledPrompt] = []
        var encodings: [[Int]] = []
        var kept: [Int?] = []
        for (record, number) in zip(records, promptNumbers) {
            let encoding = renderer.encode(record.prompt, with: tokenizer)
            guard !encoding.ids.isEmpty else { throw ExperimentError("\(promptFile): prompt \(number) has no tokens") }
            var marker: Int?
            if case .marker(let text) = position {
                marker = Self.markerToken(of: text, in: record.prompt, offsets: encoding.offsets)
            }
            kept.append(try position.keptToken(tokenCount: encoding.ids.count, markerToken: marker, prompt: number))
            seen.append(record)
            encodings.append(encoding.ids)
        }
        let rows = try captureRows(encodings, kept: kept)
        return seen.indices.map { ExtractedPrompt(record: seen[$0], tokenIDs: encodings[$0], rows: rows[$0]) }
    }

    /// Runs the batch with a capture hook at every point, keeping for each sequence only the
    /// token `kept` names (every token when nil), and averages for `mean`.
    func captureRows(_ batch: [[Int]], kept: [Int?]) throws -> [[String: Tensor]] {
        let d = model.config.dModel
        // captured[point][sequence]: (rows, d) values in position order.
        var captured: [HookPoint: [[Float]]] = [:]
        let hooks = Hooks()
        for point in points {
            captured[point] = Array(repeating: [], count: batch.count)
            hooks.add(point) { a in
                var perSequence = captured[point] ?? []
                for r in 0..<a.rows {
                    let s = a.sequence[r]
                    if let t = kept[s], a.position[r] != t { continue }
                    perSequence[s].append(contentsOf: a.row(r))
                }
                captured[point] = perSequence
            }
        }
        _ = try model.forward(batch, hooks: hooks, logits: .none)
        return try (0..<batch.count).map { s in
            var out: [String: Tensor] = [:]
            for point in points {
                let values = captured[point]?[s] ?? []
                let rows = Tensor(shape: [values.count / d, d], storage: values)
                // The captured rows are already the selection, except that `mean` still averages.
                out[point.name] = position == .mean ? try position.rows(from: rows, prompt: s + 1) : rows
            }
            return out
        }
    }

    /// The index of the token holding the last character of `marker`'s first occurrence in
    /// `text`, for `--positions marker:TEXT`; nil when `text` does not contain it. `offsets` are
    /// the tokens' spans in Unicode scalars, as tokenizers report them.
    public static func markerToken(of marker: String, in text: String, offsets: [Range<Int>]) -> Int? {
        guard !marker.isEmpty, let range = text.range(of: marker) else { return nil }
        let lastScalar = text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: range.upperBound) - 1
        return offsets.lastIndex { $0.contains(lastScalar) }
    }
}
