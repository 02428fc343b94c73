import Foundation

/// Reading and writing JSON Lines files (one JSON object per line).
public enum JSONLines {
    /// Writes one sorted-key JSON object per line.
    public static func write<T: Encodable>(_ records: [T], to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var out = Data()
        for record in records {
            out.append(try encoder.encode(record))
            out.append(0x0A)
        }
        try out.write(to: url, options: .atomic)
    }

    /// Reads every non-empty line as a `T`; a bad line fails with its line number.
    public static func read<T: Decodable>(_ type: T.Type, from url: URL) throws -> [T] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw OrganismError(file: url.path, "cannot read (missing or unreadable)")
        }
        return try decode(type, from: data, fileName: url.lastPathComponent)
    }

    /// Decodes JSON Lines `data`; errors name `fileName` and the line.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, fileName: String) throws -> [T] {
        guard let text = String(data: data, encoding: .utf8) else {
            throw OrganismError(file: fileName, "not UTF-8 text")
        }
        let decoder = JSONDecoder()
        var out: [T] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            do {
                out.append(try decoder.decode(T.self, from: Data(trimmed.utf8)))
            } catch let DecodingError.keyNotFound(key, _) {
                throw OrganismError(file: fileName, "line \(i + 1): missing field \"\(key.stringValue)\"")
            } catch let DecodingError.typeMismatch(_, context) {
                let field = context.codingPath.map(\.stringValue).joined(separator: ".")
                throw OrganismError(file: fileName, "line \(i + 1): field \"\(field)\" has the wrong type")
            } catch {
                throw OrganismError(file: fileName, "line \(i + 1): not a valid JSON object")
            }
        }
        return out
    }
}
