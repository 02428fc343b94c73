// libFuzzer harness: prompt JSONL bytes, read as `extract` reads them and as the
// experiments read theirs (a string label naming the group).
import Formats
import Experiments
import FuzzSupport
import Foundation

FuzzDriver.run { data in
    if let set = try? PromptSet(data: data, name: "prompts.jsonl") {
        _ = try? set.checkTokenCounts(Array(set.records.indices), limit: 8) { set.records[$0].prompt.utf8.count }
    }
    _ = try? PromptSet(data: data, name: "prompts.jsonl", labelNamesGroup: true)
    _ = try? PromptFile.parse(data, path: "prompts.jsonl")
}
