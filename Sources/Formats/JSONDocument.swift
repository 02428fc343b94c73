import Foundation

/// Whole-file JSON documents (probe.json, organism.json, result files): written pretty-printed
/// with sorted keys so they diff well, and decoded with errors that name the field.
public enum JSONDocument {
    /// Writes `value` pretty-printed with sorted keys and a final newline, atomically.
    public static func write<T: Encodable>(_ value: T, to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(0x0A)
        try data.write(to: url, options: .atomic)
    }

    /// The bytes of `url`; a missing or unreadable file is a `FormatError` naming it.
    public static func contents(of url: URL) throws -> Data {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw FormatError(file: url.path, field: "file", "cannot be read")
        }
        return data
    }

    /// Reads and decodes `url`.
    public static func read<T: Decodable>(_ type: T.Type, from url: URL) throws -> T {
        try decode(type, from: try contents(of: url), file: url.path)
    }

    /// Decodes `data`; a decoding failure becomes a `FormatError` naming `file` and the field
    /// (`field` is "file" when the bytes are not JSON at all).
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, file: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as FormatError {
            throw error
        } catch let DecodingError.keyNotFound(key, context) {
            throw FormatError(file: file, field: fieldName(context.codingPath + [key]), "is missing")
        } catch let DecodingError.typeMismatch(type, context) {
            if context.codingPath.isEmpty { throw FormatError(file: file, field: "file", "is not a JSON object") }
            throw FormatError(file: file, field: fieldName(context.codingPath), "expected \(type)")
        } catch let DecodingError.valueNotFound(type, context) {
            throw FormatError(file: file, field: fieldName(context.codingPath), "is null, expected \(type)")
        } catch let DecodingError.dataCorrupted(context) {
            let whole = context.codingPath.isEmpty
            throw FormatError(file: file, field: fieldName(context.codingPath), whole ? "is not valid JSON" : "has an invalid value")
        } catch {
            throw FormatError(file: file, field: "file", "cannot be decoded")
        }
    }

    /// `training_file.sha256`, `direction.[3]`; "file" for the top level.
    static func fieldName(_ path: [any CodingKey]) -> String {
        path.isEmpty ? "file" : path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}
