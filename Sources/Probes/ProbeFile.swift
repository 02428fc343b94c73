import Formats
import Foundation

/// The file a training activation set came from, so a probe can be traced back to it.
public struct TrainingFile: Codable, Sendable, Equatable {
    public var path: String
    public var sha256: String

    public init(path: String, sha256: String) {
        self.path = path
        self.sha256 = sha256
    }
}

/// `probe.json` (DESIGN.md), schema version 1: a fitted probe with its provenance.
/// Written pretty-printed with sorted keys; `direction` is the unit vector and
/// `score(x) = direction · x + bias` on raw activations (see `Probe`).
public struct ProbeFile: Codable, Sendable, Equatable {
    public static let formatName = ProbeDocument.formatName
    public static let currentVersion = ProbeDocument.currentVersion

    public var format: String = ProbeFile.formatName
    public var version: Int = ProbeFile.currentVersion
    public var method: ProbeMethod
    public var hook: String
    public var layer: Int?
    /// The activations file's `positions` ("last", "mean", …).
    public var position: String?
    public var trainingFile: TrainingFile?
    public var dModel: Int
    public var standardization: Standardization?
    /// (d_model), unit norm.
    public var direction: [Float]
    public var bias: Double
    public var threshold: Double
    public var logitScale: Double?
    public var metrics: CrossValidationSummary?
    public var options: ProbeOptions
    public var model: String?
    public var modelSHA256: String?

    enum CodingKeys: String, CodingKey {
        case format, version, method, hook, layer, position
        case trainingFile = "training_file"
        case dModel = "d_model"
        case standardization, direction, bias, threshold
        case logitScale = "logit_scale"
        case metrics, options, model
        case modelSHA256 = "model_sha256"
    }

    /// `layer` defaults to the one in the hook name (`blocks.{L}.…`).
    public init(probe: Probe, hook: String, layer: Int? = nil, position: String? = nil,
                trainingFile: TrainingFile? = nil, metrics: CrossValidationSummary? = nil,
                model: String? = nil, modelSHA256: String? = nil) {
        self.method = probe.options.method
        self.hook = hook
        self.layer = layer ?? LayerSweep.layer(of: hook)
        self.position = position
        self.trainingFile = trainingFile
        self.dModel = probe.dModel
        self.standardization = probe.standardization
        self.direction = probe.direction
        self.bias = probe.bias
        self.threshold = probe.threshold
        self.logitScale = probe.logitScale
        self.metrics = metrics
        self.options = probe.options
        self.model = model
        self.modelSHA256 = modelSHA256
    }

    /// The probe this file describes.
    public var probe: Probe {
        Probe(options: options, hook: hook, direction: direction, bias: bias, threshold: threshold,
              logitScale: logitScale, standardization: standardization)
    }

    public func write(to url: URL) throws {
        try JSONFiles.write(self, to: url)
    }

    /// Reads and checks a probe file with the one probe.json reader (`ProbeDocument`: format,
    /// version, d_model against `direction`, unit norm), then decodes the fitting details.
    public static func read(from url: URL) throws -> ProbeFile {
        try JSONFiles.probeError {
            let data = try JSONDocument.contents(of: url)
            _ = try ProbeDocument.parse(data, file: url.path)
            return try JSONDocument.decode(ProbeFile.self, from: data, file: url.path)
        }
    }
}

/// JSON documents written and read through `Formats.JSONDocument`, their errors as `ProbeError`s.
enum JSONFiles {
    static func write<T: Encodable>(_ value: T, to url: URL) throws {
        try JSONDocument.write(value, to: url)
    }

    static func read<T: Decodable>(from url: URL) throws -> T {
        try probeError { try JSONDocument.read(T.self, from: url) }
    }

    /// Runs `body`, turning a `FormatError` into `ProbeError.malformedFile` (same field, same words).
    static func probeError<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as FormatError {
            throw ProbeError.malformedFile(path: error.file, field: error.field ?? "file", problem: error.problem)
        }
    }
}
