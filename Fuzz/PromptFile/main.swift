// libFuzzer harness: prompt JSONL bytes, read as `extract` reads them (streamed from a file,
// block by block, which must give exactly what the whole-file parser gives) and as the
// experiments read theirs (a string label naming the group).
import Formats
import Experiments
import FuzzSupport
import Foundation

FuzzDriver.run { data in
    let whole = Result { try PromptSet(data: data, name: "prompts.jsonl") }
    if case .success(let set) = whole {
        _ = try? set.checkTokenCounts(Array(set.records.indices), limit: 8) { set.records[$0].prompt.utf8.count }
    }
    // The streamed reader, on the same bytes: the same records, lines and digest, or an error too.
    let path = FuzzScratch.write(data, as: "prompts.jsonl")
    var records: [LabeledPrompt] = [], lines: [Int] = []
    let streamed = Result { try PromptFileSource(path: path).forEachPrompt { records.append($0); lines.append($1) } }
    switch (whole, streamed) {
    case (.success(let set), .success(let sha256)):
        precondition(set.records == records && set.lines == lines && set.sha256 == sha256, "streamed prompts differ")
    case (.failure, .failure):
        // Both refuse the file; which line they name may differ (the whole-file parser checks
        // every line's UTF-8 before any JSON, the stream takes each line whole in turn).
        break
    default:
        preconditionFailure("one reader failed, the other did not")
    }
    _ = try? PromptSet(data: data, name: "prompts.jsonl", labelNamesGroup: true)
    _ = try? PromptFile.parse(data, path: "prompts.jsonl")
}
