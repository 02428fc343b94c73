import Foundation

/// Jinja2's built-in filters that chat templates use, plus transformers' `tojson`.
/// `value|name(args)` calls `apply(name, value, call)`; an unknown name is an error.
enum TemplateFilters {
    static func apply(_ name: String, _ value: TemplateValue, _ call: TemplateCall) throws -> TemplateValue {
        switch name {
        case "default", "d":
            try call.expect(["default_value", "boolean"])
            let fallback = call.argument(0, "default_value") ?? .string("")
            let useFallback = call.bool(1, "boolean") == true ? !value.isTruthy : value.isUndefined
            return useFallback ? fallback : value
        case "length", "count":
            try call.expect([])
            return .int(try length(value, call))
        case "trim":
            try call.expect(["chars"])
            return .string(pythonStrip(try text(value, call), chars: try call.string(0, "chars")))
        case "upper": try call.expect([]); return .string(try text(value, call).uppercased())
        case "lower": try call.expect([]); return .string(try text(value, call).lowercased())
        case "capitalize": try call.expect([]); return .string(pythonCapitalize(try text(value, call)))
        case "title": try call.expect([]); return .string(jinjaTitle(try text(value, call)))
        case "string": try call.expect([]); return .string(try text(value, call))
        case "safe": try call.expect([]); return value
        case "escape", "e", "forceescape":
            try call.expect([])
            return .string(htmlEscape(try text(value, call)))
        case "tojson": return try toJSON(value, call)
        case "first":
            try call.expect([])
            return try items(value, call).first ?? .undefined("\(value.typeName) object has no first item")
        case "last":
            try call.expect([])
            if case .iterator = value { throw call.failure("'generator' object is not reversible") }
            return try items(value, call).last ?? .undefined("\(value.typeName) object has no last item")
        case "list": try call.expect([]); return .list(try items(value, call))
        case "reverse":
            try call.expect([])
            if case .string(let s) = value { return .string(String(String.UnicodeScalarView(s.unicodeScalars.reversed()))) }
            // Python's reversed() on a sequence is an iterator; a generator cannot be reversed, so Jinja2 makes a list.
            if case .iterator(let generated) = value { return .list(generated.reversed()) }
            return .iterator(try items(value, call).reversed())
        case "join":
            try call.expect(["d", "attribute"])
            let separator = try call.string(0, "d") ?? ""
            var parts = try items(value, call)
            if let attribute = call.argument(1, "attribute") { parts = try parts.map { try lookup($0, attribute, call) } }
            return .string(parts.map(\.pythonString).joined(separator: separator))
        case "replace":
            try call.expect(["old", "new", "count"])
            guard let old = try call.string(0, "old"), let new = try call.string(1, "new") else {
                throw call.failure("expects two strings")
            }
            return .string(pythonReplace(try text(value, call), old, new, count: try call.int(2, "count") ?? -1))
        case "items":
            try call.expect([])
            switch value {
            case .undefined: return .iterator([])
            case .dict(let d): return .iterator(d.pairs.map { .tuple([$0.key, $0.value]) })
            default: throw call.failure("can only get item pairs from a mapping, not \(value.typeName)")
            }
        case "dictsort":
            try call.expect(["case_sensitive", "by", "reverse"])
            guard case .dict(let d) = value else { throw call.failure("expects a mapping, not \(value.typeName)") }
            let byValue = try call.string(1, "by") == "value"
            let caseSensitive = call.bool(0, "case_sensitive") ?? false
            var pairs = d.pairs
            try sortStable(&pairs, descending: call.bool(2, "reverse") ?? false, call) {
                sortKey(byValue ? $0.value : $0.key, caseSensitive: caseSensitive)
            }
            return .list(pairs.map { .tuple([$0.key, $0.value]) })
        case "sort":
            try call.expect(["reverse", "case_sensitive", "attribute"])
            let caseSensitive = call.bool(1, "case_sensitive") ?? false
            let attribute = call.argument(2, "attribute")
            var list = try items(value, call)
            try sortStable(&list, descending: call.bool(0, "reverse") ?? false, call) { item in
                sortKey(try attribute.map { try lookup(item, $0, call) } ?? item, caseSensitive: caseSensitive)
            }
            return .list(list)
        case "unique":
            try call.expect(["case_sensitive", "attribute"])
            let caseSensitive = call.bool(0, "case_sensitive") ?? false
            let attribute = call.argument(1, "attribute")
            var seen: [TemplateValue] = []
            var out: [TemplateValue] = []
            for item in try items(value, call) {
                let key = sortKey(try attribute.map { try lookup(item, $0, call) } ?? item, caseSensitive: caseSensitive)
                if !seen.contains(where: { $0.pythonEquals(key) }) { seen.append(key); out.append(item) }
            }
            return .iterator(out)
        case "min", "max":
            try call.expect(["case_sensitive", "attribute"])
            let caseSensitive = call.bool(0, "case_sensitive") ?? false
            let attribute = call.argument(1, "attribute")
            var list = try items(value, call)
            try sortStable(&list, descending: name == "max", call) { item in
                sortKey(try attribute.map { try lookup(item, $0, call) } ?? item, caseSensitive: caseSensitive)
            }
            return list.first ?? .undefined("no \(name) item: the sequence is empty")
        case "sum":
            try call.expect(["attribute", "start"])
            var total = call.argument(1, "start") ?? .int(0)
            for item in try items(value, call) {
                let term = try call.argument(0, "attribute").map { try lookup(item, $0, call) } ?? item
                total = try TemplateOperators.binary("+", total, term, line: call.line)
            }
            return total
        case "abs":
            try call.expect([])
            switch value {
            case .int(let i): return .int(abs(i))
            case .double(let d): return .double(abs(d))
            case .bool(let b): return .int(b ? 1 : 0)
            default: throw call.failure("bad operand type for abs(): '\(value.typeName)'")
            }
        case "int":
            try call.expect(["default", "base"])
            return toInt(value) ?? call.argument(0, "default") ?? .int(0)
        case "float":
            try call.expect(["default"])
            if let n = value.number { return .double(n) }
            if case .string(let s) = value, let d = Double(pythonStrip(s, chars: nil)) { return .double(d) }
            return call.argument(0, "default") ?? .double(0)
        case "round":
            try call.expect(["precision", "method"])
            guard let n = value.number else { throw call.failure("expects a number, not \(value.typeName)") }
            let precision = try call.int(0, "precision") ?? 0
            let scale = pow(10, Double(precision))
            let rule: FloatingPointRoundingRule
            switch try call.string(1, "method") ?? "common" {
            case "common": rule = .toNearestOrEven  // Python round(): halves go to the even neighbour
            case "ceil": rule = .up
            case "floor": rule = .down
            default: throw call.failure("method must be common, ceil or floor")
            }
            return .double((n * scale).rounded(rule) / scale)
        case "indent":
            try call.expect(["width", "first", "blank"])
            let width = call.argument(0, "width")
            let pad: String
            if case .string(let s)? = width { pad = s } else { pad = String(repeating: " ", count: try call.int(0, "width") ?? 4) }
            return .string(indent(try text(value, call), pad: pad, first: call.bool(1, "first") ?? false, blank: call.bool(2, "blank") ?? false))
        case "wordcount":
            try call.expect([])
            // Jinja2 counts runs of regex \w (letters, digits, underscore).
            var words = 0
            var inWord = false
            for c in try text(value, call).unicodeScalars {
                let isWord = c == "_" || c.properties.isAlphabetic || c.properties.numericType != nil
                if isWord && !inWord { words += 1 }
                inWord = isWord
            }
            return .int(words)
        case "attr":
            try call.expect(["name"])
            guard let n = try call.string(0, "name") else { throw call.failure("expects an attribute name") }
            return try TemplateOperators.attribute(value, n, line: call.line)
        case "batch", "slice", "groupby", "center", "format", "truncate", "wordwrap", "urlencode", "urlize",
             "xmlattr", "striptags", "filesizeformat", "pprint", "random":
            throw TemplateFailure(call.line, "unsupported filter \"\(name)\"")
        default:
            throw TemplateFailure(call.line, "unknown filter \"\(name)\"")
        }
    }

    /// `str(value)`; Undefined prints as "" as Jinja2's `soft_str` does.
    private static func text(_ value: TemplateValue, _ call: TemplateCall) throws -> String {
        if case .iterator = value { throw TemplateOperators.printedGenerator(line: call.line) }
        return value.pythonString
    }

    static func length(_ value: TemplateValue, _ call: TemplateCall) throws -> Int {
        switch value {
        case .undefined: return 0
        case .string(let s): return s.unicodeScalars.count
        case .list(let items), .tuple(let items): return items.count
        case .iterator: throw call.failure("object of type 'generator' has no len()")
        case .dict(let d): return d.pairs.count
        default: throw call.failure("object of type '\(value.typeName)' has no len()")
        }
    }

    /// The items of an iterable value, for filters that take one.
    static func items(_ value: TemplateValue, _ call: TemplateCall) throws -> [TemplateValue] {
        do { return try value.iterated(line: call.line) } catch { throw call.failure("'\(value.typeName)' object is not iterable") }
    }

    /// An item's attribute by a filter's `attribute=` argument ("name", "a.b", or an index).
    static func lookup(_ item: TemplateValue, _ attribute: TemplateValue, _ call: TemplateCall) throws -> TemplateValue {
        switch attribute {
        case .int: return try TemplateOperators.item(item, attribute, line: call.line)
        case .string(let path):
            var value = item
            for part in path.split(separator: ".", omittingEmptySubsequences: false) {
                if let i = Int(part) { value = try TemplateOperators.item(value, .int(i), line: call.line) } else {
                    value = try TemplateOperators.item(value, .string(String(part)), line: call.line)
                }
            }
            return value
        default: throw call.failure("attribute must be a string or an integer")
        }
    }

    private static func sortKey(_ value: TemplateValue, caseSensitive: Bool) -> TemplateValue {
        if !caseSensitive, case .string(let s) = value { return .string(s.lowercased()) }
        return value
    }

    /// A stable sort on Python's `<`, as Python's `sorted` is; unorderable keys are an error.
    private static func sortStable<T>(_ list: inout [T], descending: Bool, _ call: TemplateCall,
                                      key: (T) throws -> TemplateValue) throws {
        let keyed = try list.enumerated().map { (offset: $0.offset, key: try key($0.element), element: $0.element) }
        var failure: TemplateFailure?
        let sorted = keyed.sorted { a, b in
            let (x, y) = descending ? (b.key, a.key) : (a.key, b.key)
            guard let less = x.pythonLess(y) else {
                failure = call.failure("'<' not supported between instances of '\(x.typeName)' and '\(y.typeName)'")
                return false
            }
            if less { return true }
            if y.pythonLess(x) == true { return false }
            return a.offset < b.offset
        }
        if let failure { throw failure }
        list = sorted.map(\.element)
    }

    private static func toInt(_ value: TemplateValue) -> TemplateValue? {
        switch value {
        case .int, .bool: return .int(value.integer!)
        case .double(let d) where d.isFinite && abs(d) < 9e18: return .int(Int(d))
        case .string(let s):
            let t = pythonStrip(s, chars: nil).replacingOccurrences(of: "_", with: "")
            if let i = Int(t) { return .int(i) }
            if let d = Double(t), d.isFinite, abs(d) < 9e18 { return .int(Int(d)) }
            return nil
        default: return nil
        }
    }

    /// transformers' `tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)`.
    private static func toJSON(_ value: TemplateValue, _ call: TemplateCall) throws -> TemplateValue {
        try call.expect(["ensure_ascii", "indent", "separators", "sort_keys"])
        var indent: String?
        switch call.argument(1, "indent") {
        case nil, .none?: indent = nil
        case .string(let s)?: indent = s
        case let v? where v.integer != nil: indent = String(repeating: " ", count: max(0, v.integer!))
        case let v?: throw call.failure("indent must be an integer or a string, not \(v.typeName)")
        }
        var separators: (String, String)?
        switch call.argument(2, "separators") {
        case nil, .none?: separators = nil
        case .list(let pair)?, .tuple(let pair)?:
            guard pair.count == 2, case .string(let a) = pair[0], case .string(let b) = pair[1] else {
                throw call.failure("separators must be two strings")
            }
            separators = (a, b)
        case let v?: throw call.failure("separators must be a pair of strings, not \(v.typeName)")
        }
        let encoder = PythonJSONEncoder(ensureASCII: call.bool(0, "ensure_ascii") ?? false, indent: indent,
                                        separators: separators, sortKeys: call.bool(3, "sort_keys") ?? false, line: call.line)
        return .string(try encoder.encode(value))
    }

    /// Jinja2's `title`: each word (split at whitespace, `-`, and opening brackets) capitalized.
    private static func jinjaTitle(_ s: String) -> String {
        var out = ""
        var atWordStart = true
        for c in s.unicodeScalars {
            let isBoundary = isPythonWhitespace(c) || "-({[<".unicodeScalars.contains(c)
            if isBoundary {
                out.unicodeScalars.append(c)
                atWordStart = true
            } else {
                out += atWordStart ? c.properties.uppercaseMapping : c.properties.lowercaseMapping
                atWordStart = false
            }
        }
        return out
    }

    private static func htmlEscape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&#34;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// Jinja2's `indent`: lines after the first get `pad` (empty ones only with `blank`), the
    /// first line too with `first`.
    private static func indent(_ s: String, pad: String, first: Bool, blank: Bool) -> String {
        // Jinja2 appends a newline before splitting, so a trailing newline leaves one line behind.
        let lines = pythonSplitLines(s + "\n")
        var out: String
        if blank {
            out = lines.joined(separator: "\n" + pad)
        } else {
            out = lines.first ?? ""
            if lines.count > 1 {
                out += "\n" + lines.dropFirst().map { $0.isEmpty ? $0 : pad + $0 }.joined(separator: "\n")
            }
        }
        return first ? pad + out : out
    }
}

/// Python's `str.splitlines()`: the line boundaries are \n, \r, \r\n, \v, \f, \x1c-\x1e, \x85, U+2028, U+2029.
func pythonSplitLines(_ s: String) -> [String] {
    var lines: [String] = []
    var current = String.UnicodeScalarView()
    let scalars = Array(s.unicodeScalars)
    var i = 0
    while i < scalars.count {
        let c = scalars[i]
        if [0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029].contains(c.value) {
            lines.append(String(current))
            current = String.UnicodeScalarView()
            if c == "\r", i + 1 < scalars.count, scalars[i + 1] == "\n" { i += 1 }
        } else {
            current.append(c)
        }
        i += 1
    }
    if !current.isEmpty { lines.append(String(current)) }
    return lines
}
