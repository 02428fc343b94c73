import Foundation

/// A parsed JSON document. Objects keep their members as an ordered list of pairs with the key
/// text exactly as written: Swift's `String` equality is canonical (`"é" == "e\u{301}"`), so a
/// `[String: …]` dictionary would silently merge vocabulary entries the Rust crate keeps apart.
enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    /// Parses `data`, turning a syntax error into a one-line `TokenizerError` for `file`.
    static func parse(_ data: Data, file: String) throws -> JSONValue {
        do {
            return try data.withUnsafeBytes { raw in
                var parser = JSONParser(bytes: raw.bindMemory(to: UInt8.self))
                let value = try parser.parseDocument()
                return value
            }
        } catch let error as JSONParser.SyntaxError {
            throw TokenizerError(file: file, "not valid JSON (\(error.message) at byte \(error.offset))")
        }
    }

    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        for member in members where member.key == key {
            return member.value.isNull ? nil : member.value
        }
        return nil
    }

    var isNull: Bool { if case .null = self { return true } else { return false } }
    var string: String? { if case .string(let v) = self { return v } else { return nil } }
    var bool: Bool? { if case .bool(let v) = self { return v } else { return nil } }
    var int: Int? {
        switch self {
        case .int(let v): return v
        case .double(let v) where v == v.rounded() && abs(v) < 1e15: return Int(v)
        default: return nil
        }
    }
    var array: [JSONValue]? { if case .array(let v) = self { return v } else { return nil } }
    var members: [(key: String, value: JSONValue)]? { if case .object(let v) = self { return v } else { return nil } }
}

/// A strict RFC 8259 parser over UTF-8 bytes.
struct JSONParser {
    struct SyntaxError: Error {
        let message: String
        let offset: Int
    }

    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0
    private var depth = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func parseDocument() throws -> JSONValue {
        let value = try parseValue()
        skipWhitespace()
        if position != bytes.count { throw fail("trailing characters") }
        return value
    }

    private func fail(_ message: String) -> SyntaxError { SyntaxError(message: message, offset: position) }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            let b = bytes[position]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            position += 1
        }
    }

    private mutating func expectLiteral(_ literal: StaticString, _ value: JSONValue) throws -> JSONValue {
        let count = literal.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw fail("unexpected end") }
        for i in 0..<count where bytes[position + i] != literal.utf8Start[i] { throw fail("unexpected character") }
        position += count
        return value
    }

    private mutating func parseValue() throws -> JSONValue {
        skipWhitespace()
        guard position < bytes.count else { throw fail("unexpected end") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try expectLiteral("true", .bool(true))
        case UInt8(ascii: "f"): return try expectLiteral("false", .bool(false))
        case UInt8(ascii: "n"): return try expectLiteral("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw fail("unexpected character")
        }
    }

    private mutating func enter() throws {
        depth += 1
        if depth > 512 { throw fail("nesting too deep") }
    }

    private mutating func parseObject() throws -> JSONValue {
        try enter()
        defer { depth -= 1 }
        position += 1
        var members: [(key: String, value: JSONValue)] = []
        skipWhitespace()
        if position < bytes.count && bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw fail("expected a key") }
            let key = try parseString()
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            position += 1
            members.append((key, try parseValue()))
            skipWhitespace()
            guard position < bytes.count else { throw fail("unexpected end") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "}") { position += 1; return .object(members) }
            throw fail("expected ',' or '}'")
        }
    }

    private mutating func parseArray() throws -> JSONValue {
        try enter()
        defer { depth -= 1 }
        position += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if position < bytes.count && bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array(items)
        }
        while true {
            items.append(try parseValue())
            skipWhitespace()
            guard position < bytes.count else { throw fail("unexpected end") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "]") { position += 1; return .array(items) }
            throw fail("expected ',' or ']'")
        }
    }

    private mutating func parseHex4() throws -> UInt32 {
        guard position + 4 <= bytes.count else { throw fail("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[position]
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw fail("bad \\u escape")
            }
            v = v << 4 | UInt32(digit)
            position += 1
        }
        return v
    }

    private mutating func parseString() throws -> String {
        position += 1  // opening quote
        let start = position
        // Fast path: no escapes.
        while position < bytes.count {
            let b = bytes[position]
            if b == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
                position += 1
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw fail("control character in string") }
            position += 1
        }
        var out = Array(bytes[start..<position])
        while position < bytes.count {
            let b = bytes[position]
            position += 1
            if b == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
            if b < 0x20 { throw fail("control character in string") }
            guard b == UInt8(ascii: "\\") else { out.append(b); continue }
            guard position < bytes.count else { throw fail("unexpected end") }
            let e = bytes[position]
            position += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var code = try parseHex4()
                if (0xD800..<0xDC00).contains(code), position + 6 <= bytes.count,
                    bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u")
                {
                    let save = position
                    position += 2
                    let low = try parseHex4()
                    if (0xDC00..<0xE000).contains(low) {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        position = save
                    }
                }
                let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"  // lone surrogate
                out.append(contentsOf: Array(String(scalar).utf8))
            default:
                throw fail("bad escape")
            }
        }
        throw fail("unterminated string")
    }

    private mutating func parseNumber() throws -> JSONValue {
        let start = position
        var isInteger = true
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        let digitsStart = position
        while position < bytes.count {
            let b = bytes[position]
            if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") {
                position += 1
            } else if b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
                || b == UInt8(ascii: "+") || b == UInt8(ascii: "-")
            {
                isInteger = false
                position += 1
            } else {
                break
            }
        }
        guard position > digitsStart else { throw fail("bad number") }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        if isInteger, let v = Int(text) { return .int(v) }
        guard let v = Double(text) else { throw fail("bad number") }
        return .double(v)
    }
}

/// Typed access to one JSON value with the path used in error messages.
struct JSONReader {
    let value: JSONValue
    let path: String
    let file: String

    init(_ value: JSONValue, path: String, file: String) {
        self.value = value
        self.path = path
        self.file = file
    }

    func error(_ message: String) -> TokenizerError {
        TokenizerError(file: file, "\(path): \(message)")
    }

    private func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func child(_ key: String) -> JSONReader? {
        value[key].map { JSONReader($0, path: childPath(key), file: file) }
    }

    func requiredChild(_ key: String) throws -> JSONReader {
        guard let child = child(key) else { throw TokenizerError(file: file, "\(childPath(key)): missing") }
        return child
    }

    func string(_ key: String) throws -> String? {
        guard let child = child(key) else { return nil }
        guard let v = child.value.string else { throw child.error("expected a string") }
        return v
    }

    func requiredString(_ key: String) throws -> String {
        let child = try requiredChild(key)
        guard let v = child.value.string else { throw child.error("expected a string") }
        return v
    }

    func bool(_ key: String, default defaultValue: Bool) throws -> Bool {
        guard let child = child(key) else { return defaultValue }
        guard let v = child.value.bool else { throw child.error("expected true or false") }
        return v
    }

    func int(_ key: String) throws -> Int? {
        guard let child = child(key) else { return nil }
        guard let v = child.value.int else { throw child.error("expected an integer") }
        return v
    }

    func array(_ key: String) throws -> [JSONReader]? {
        guard let child = child(key) else { return nil }
        guard let items = child.value.array else { throw child.error("expected an array") }
        return items.enumerated().map { JSONReader($1, path: "\(child.path)[\($0)]", file: file) }
    }

    /// The `"type"` tag every tokenizer component carries.
    func type() throws -> String {
        guard case .object = value else { throw error("expected an object") }
        return try requiredString("type")
    }
}
