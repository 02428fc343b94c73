import Foundation
import ModelFiles
import Tensors

/// Writes a trained organism as a Hugging Face model directory.
public enum OrganismDirectory {
    /// Refuses to train into `directory` when it already holds files, unless `force` (or
    /// `resume`, which continues them): training takes minutes to hours, and the organism (or
    /// its checkpoints) there would be overwritten. A resume needs a checkpoint to continue
    /// from (or nothing there yet: then it starts), and a finished organism is not trained again.
    public static func checkCanTrain(into directory: URL, force: Bool, resume: Bool = false) throws {
        let contents = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        guard !contents.isEmpty, !force else { return }
        guard resume else {
            throw OrganismError(file: directory.path,
                                "already exists (overwrite it with --force, or continue from its latest checkpoint with --resume)")
        }
        if OrganismManifest.exists(in: directory) {
            throw OrganismError(file: directory.path, "already holds a trained organism (train it again with --force)")
        }
        if TrainingCheckpoint.latest(in: directory) == nil {
            throw OrganismError(file: directory.path,
                                "holds no complete checkpoint-STEP to resume from (overwrite it with --force; --checkpoint-every N writes checkpoints)")
        }
    }

    public static func write(to directory: URL, layout: ParameterLayout, parameters: [Float],
                             tokenizer: WordTokenizer, manifest: OrganismManifest,
                             stored: SafetensorsWriter.StoredType = .f32) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let config = layout.shape.configJSON(bos: WordTokenizer.bos, eos: WordTokenizer.eos, pad: WordTokenizer.pad)
        try encoder.encode(config).write(to: directory.appendingPathComponent("config.json"), options: .atomic)
        let generation: JSONValue = .object([
            "bos_token_id": .int(WordTokenizer.bos), "eos_token_id": .int(WordTokenizer.eos),
            "pad_token_id": .int(WordTokenizer.pad), "do_sample": .bool(false),
        ])
        try encoder.encode(generation).write(to: directory.appendingPathComponent("generation_config.json"), options: .atomic)
        try SafetensorsWriter.write(layout.tensors(parameters), to: directory.appendingPathComponent("model.safetensors"), as: stored)
        try tokenizer.write(to: directory)
        try manifest.write(to: directory)
    }

    /// Loads weights of an organism directory for further (safety) training.
    public static func loadForTraining(_ directory: URL) throws -> TrainingModel {
        let config = try ModelConfig.load(directory: directory)
        let layout = ParameterLayout(try ModelShape(config: config))
        return TrainingModel(layout: layout, parameters: try layout.load(Checkpoint(directory: directory)))
    }
}
