/// Python's `json.dumps`, which transformers installs as the `tojson` filter (in place of
/// Jinja2's HTML-escaping one): `ensure_ascii=False` by default, `indent`, `separators`, `sort_keys`.
struct PythonJSONEncoder {
    var ensureASCII = false
    /// Nil for one line; otherwise the text repeated per nesting level.
    var indent: String?
    var itemSeparator: String
    var keySeparator: String
    var sortKeys = false
    let line: Int

    init(ensureASCII: Bool, indent: String?, separators: (String, String)?, sortKeys: Bool, line: Int) {
        self.ensureASCII = ensureASCII
        self.indent = indent
        itemSeparator = separators?.0 ?? (indent == nil ? ", " : ",")
        keySeparator = separators?.1 ?? ": "
        self.sortKeys = sortKeys
        self.line = line
    }

    func encode(_ value: TemplateValue) throws -> String {
        var out = ""
        try write(value, depth: 0, into: &out)
        return out
    }

    private func newline(_ depth: Int, into out: inout String) {
        guard let indent else { return }
        out += "\n" + String(repeating: indent, count: depth)
    }

    private func write(_ value: TemplateValue, depth: Int, into out: inout String) throws {
        switch value {
        case .none: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d):
            if d.isNaN { out += "NaN" } else if d.isInfinite { out += d < 0 ? "-Infinity" : "Infinity" } else { out += pythonFloatRepr(d) }
        case .string(let s): writeString(s, into: &out)
        case .list(let items), .tuple(let items):
            guard !items.isEmpty else { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += itemSeparator }
                newline(depth + 1, into: &out)
                try write(item, depth: depth + 1, into: &out)
            }
            newline(depth, into: &out)
            out += "]"
        case .dict(let dict):
            try writeObject(dict, depth: depth, into: &out)
        case .namespace, .function, .undefined, .iterator:
            throw TemplateFailure(line, "tojson: Object of type \(value.typeName) is not JSON serializable")
        }
    }

    private func writeObject(_ dict: TemplateDict, depth: Int, into out: inout String) throws {
        guard !dict.pairs.isEmpty else { out += "{}"; return }
        var members: [(String, TemplateValue)] = try dict.pairs.map { pair in
            switch pair.key {
            case .string(let s): return (s, pair.value)
            case .int, .double, .bool, .none:
                let key = try PythonJSONEncoder(ensureASCII: false, indent: nil, separators: nil, sortKeys: false, line: line).encode(pair.key)
                return (key, pair.value)
            default:
                throw TemplateFailure(line, "tojson: keys must be str, int, float, bool or None, not \(pair.key.typeName)")
            }
        }
        if sortKeys { members.sort { $0.0.unicodeScalars.lexicographicallyPrecedes($1.0.unicodeScalars) } }
        out += "{"
        for (i, member) in members.enumerated() {
            if i > 0 { out += itemSeparator }
            newline(depth + 1, into: &out)
            writeString(member.0, into: &out)
            out += keySeparator
            try write(member.1, depth: depth + 1, into: &out)
        }
        newline(depth, into: &out)
        out += "}"
    }

    private func writeString(_ s: String, into out: inout String) {
        var scalars = String.UnicodeScalarView()
        scalars.append("\"")
        func hex(_ v: UInt32) {
            let digits = String(v, radix: 16)
            scalars.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - digits.count) + digits).unicodeScalars)
        }
        for c in s.unicodeScalars {
            switch c {
            case "\"": scalars.append(contentsOf: "\\\"".unicodeScalars)
            case "\\": scalars.append(contentsOf: "\\\\".unicodeScalars)
            case "\n": scalars.append(contentsOf: "\\n".unicodeScalars)
            case "\r": scalars.append(contentsOf: "\\r".unicodeScalars)
            case "\t": scalars.append(contentsOf: "\\t".unicodeScalars)
            case "\u{08}": scalars.append(contentsOf: "\\b".unicodeScalars)
            case "\u{0C}": scalars.append(contentsOf: "\\f".unicodeScalars)
            default:
                if c.value < 0x20 || (ensureASCII && c.value > 0x7E) {
                    if c.value > 0xFFFF {
                        let v = c.value - 0x10000
                        hex(0xD800 + (v >> 10))
                        hex(0xDC00 + (v & 0x3FF))
                    } else {
                        hex(c.value)
                    }
                } else {
                    scalars.append(c)
                }
            }
        }
        scalars.append("\"")
        out += String(scalars)
    }
}
