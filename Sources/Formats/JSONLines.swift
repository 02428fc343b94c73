import Foundation

/// JSON Lines files (one JSON value per line): prompt files, training corpora. Lines end in LF or
/// CRLF; blank lines are skipped; each line must be valid UTF-8 on its own, so a bad byte is
/// reported with its line number.
public enum JSONLines {
    /// One non-blank line: its 1-based number and its text (without the line ending).
    public struct Line: Sendable, Equatable {
        public let number: Int
        public let text: String
    }

    /// The non-blank lines of `data`; `file` names it in errors. A UTF-8 byte-order mark at the
    /// start is skipped (some editors write one).
    public static func lines(_ data: Data, file: String) throws -> [Line] {
        var bytes = data[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        var out: [Line] = []
        for (index, var raw) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            if raw.last == 0x0D { raw = raw.dropLast() }
            guard let text = String(validating: raw, as: UTF8.self) else {
                throw FormatError(file: file, line: index + 1, "not valid UTF-8")
            }
            if text.allSatisfy(\.isWhitespace) { continue }
            out.append(Line(number: index + 1, text: text))
        }
        return out
    }

    /// Every non-blank line as a `T`; a bad line fails with its number and the field.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, fileName: String) throws -> [T] {
        let decoder = JSONDecoder()
        return try lines(data, file: fileName).map { line in
            do {
                return try decoder.decode(T.self, from: Data(line.text.utf8))
            } catch let DecodingError.keyNotFound(key, _) {
                throw FormatError(file: fileName, line: line.number, "missing field \"\(key.stringValue)\"")
            } catch let DecodingError.typeMismatch(_, context) {
                let field = JSONDocument.fieldName(context.codingPath)
                throw FormatError(file: fileName, line: line.number, "field \"\(field)\" has the wrong type")
            } catch {
                throw FormatError(file: fileName, line: line.number, "not a valid JSON object")
            }
        }
    }

    /// Reads every non-blank line of `url` as a `T`.
    public static func read<T: Decodable>(_ type: T.Type, from url: URL) throws -> [T] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw FormatError(file: url.path, "cannot read (missing or unreadable)")
        }
        return try decode(type, from: data, fileName: url.lastPathComponent)
    }

    /// Writes one sorted-key JSON object per line, atomically.
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
}
