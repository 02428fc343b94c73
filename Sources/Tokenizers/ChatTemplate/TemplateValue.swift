import Foundation

/// A value while a template renders, with Python's semantics (the ones Jinja2 inherits):
/// `str()` for output, truthiness, `==`, ordering. Strings are measured and indexed in Unicode
/// scalars, as Python's `str` is.
enum TemplateValue {
    /// Jinja2's `Undefined`: prints as "", is false, iterates as empty; the payload says what
    /// was missing for the error when it is used any other way.
    case undefined(String)
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([TemplateValue])
    case tuple([TemplateValue])
    case dict(TemplateDict)
    case namespace(TemplateNamespace)
    case function(TemplateFunction)
    /// What Jinja2's `map`, `select`, `unique`, `reverse`… return: a one-pass Python generator.
    /// It iterates, but is always true, has no length and prints as `<generator object …>`,
    /// so those uses are refused rather than rendered differently.
    case iterator([TemplateValue])

    var isUndefined: Bool { if case .undefined = self { return true } else { return false } }

    /// The Python type name, for error messages.
    var typeName: String {
        switch self {
        case .undefined: return "Undefined"
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "float"
        case .string: return "str"
        case .list: return "list"
        case .tuple: return "tuple"
        case .dict: return "dict"
        case .namespace: return "Namespace"
        case .function: return "function"
        case .iterator: return "generator"
        }
    }

    /// Python's `bool(x)`.
    var isTruthy: Bool {
        switch self {
        case .undefined, .none: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .double(let d): return d != 0
        case .string(let s): return !s.isEmpty
        case .list(let items), .tuple(let items): return !items.isEmpty
        case .dict(let d): return !d.pairs.isEmpty
        case .namespace, .function, .iterator: return true
        }
    }

    /// Python's `str(x)`, which `{{ x }}` prints.
    var pythonString: String {
        switch self {
        case .undefined: return ""
        case .string(let s): return s
        default: return pythonRepr
        }
    }

    /// Python's `repr(x)`, which lists and dicts use for their items.
    var pythonRepr: String {
        switch self {
        case .undefined: return "Undefined"
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .double(let d): return pythonFloatRepr(d)
        case .string(let s): return pythonStringRepr(s)
        case .list(let items): return "[" + items.map(\.pythonRepr).joined(separator: ", ") + "]"
        case .tuple(let items):
            if items.count == 1 { return "(" + items[0].pythonRepr + ",)" }
            return "(" + items.map(\.pythonRepr).joined(separator: ", ") + ")"
        case .dict(let d): return d.pythonRepr
        case .namespace(let n): return "<Namespace " + n.values.pythonRepr + ">"
        case .function(let f): return "<function \(f.name)>"
        case .iterator: return "<generator object>"
        }
    }

    /// The number, for arithmetic (bools count as 0 and 1, as in Python).
    var number: Double? {
        switch self {
        case .bool(let b): return b ? 1 : 0
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    var integer: Int? {
        switch self {
        case .bool(let b): return b ? 1 : 0
        case .int(let i): return i
        default: return nil
        }
    }

    /// Python's `==`. Jinja2's Undefined equals only another Undefined.
    func pythonEquals(_ other: TemplateValue) -> Bool {
        switch (self, other) {
        case (.undefined, .undefined), (.none, .none): return true
        case (.string(let a), .string(let b)): return a.unicodeScalars.elementsEqual(b.unicodeScalars)
        case (.list(let a), .list(let b)), (.tuple(let a), .tuple(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.pythonEquals($1) }
        case (.dict(let a), .dict(let b)):
            return a.pairs.count == b.pairs.count
                && a.pairs.allSatisfy { pair in b[pair.key].map { $0.pythonEquals(pair.value) } ?? false }
        case (.namespace(let a), .namespace(let b)): return a === b
        case (.function(let a), .function(let b)): return a === b
        default:
            if let x = integer, let y = other.integer { return x == y }
            if let x = number, let y = other.number { return x == y }
            return false
        }
    }

    /// Python's `<` (and the comparisons built from it); nil when the types cannot be ordered.
    func pythonLess(_ other: TemplateValue) -> Bool? {
        switch (self, other) {
        case (.string(let a), .string(let b)): return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
        case (.list(let a), .list(let b)), (.tuple(let a), .tuple(let b)):
            for (x, y) in zip(a, b) where !x.pythonEquals(y) { return x.pythonLess(y) }
            return a.count < b.count
        default:
            if let x = integer, let y = other.integer { return x < y }
            if let x = number, let y = other.number { return x < y }
            return nil
        }
    }

    /// The items `for` iterates: a list's items, a dict's keys, a string's characters.
    func iterated(line: Int) throws -> [TemplateValue] {
        switch self {
        case .undefined: return []
        case .list(let items), .tuple(let items), .iterator(let items): return items
        case .dict(let d): return d.pairs.map(\.key)
        case .string(let s): return s.unicodeScalars.map { .string(String($0)) }
        default: throw TemplateFailure(line, "'\(typeName)' object is not iterable")
        }
    }
}

/// A dict with its insertion order, as Python's. Keys are compared with Python's `==`.
struct TemplateDict {
    var pairs: [(key: TemplateValue, value: TemplateValue)] = []

    init(_ pairs: [(key: TemplateValue, value: TemplateValue)] = []) {
        for pair in pairs { self[pair.key] = pair.value }
    }

    subscript(key: TemplateValue) -> TemplateValue? {
        get { pairs.first { $0.key.pythonEquals(key) }?.value }
        set {
            if let i = pairs.firstIndex(where: { $0.key.pythonEquals(key) }) {
                if let newValue { pairs[i].value = newValue } else { pairs.remove(at: i) }
            } else if let newValue {
                pairs.append((key, newValue))
            }
        }
    }

    subscript(key: String) -> TemplateValue? { self[.string(key)] }

    var pythonRepr: String {
        "{" + pairs.map { $0.key.pythonRepr + ": " + $0.value.pythonRepr }.joined(separator: ", ") + "}"
    }
}

/// Jinja2's `namespace(...)`: the one mutable object, so `{% set ns.x = … %}` inside a loop is
/// seen after it.
final class TemplateNamespace {
    var values: TemplateDict

    init(_ values: TemplateDict) { self.values = values }
}

/// A callable: a global (`range`, `raise_exception`), a bound method (`"a".strip`) or a macro.
final class TemplateFunction {
    let name: String
    let body: (TemplateCall) throws -> TemplateValue

    init(_ name: String, _ body: @escaping (TemplateCall) throws -> TemplateValue) {
        self.name = name
        self.body = body
    }
}

/// The evaluated arguments of one call, with the line for errors.
struct TemplateCall {
    var positional: [TemplateValue]
    var keyword: [(String, TemplateValue)]
    let line: Int
    /// What is called, for error messages (`filter "join"`, `strip()`).
    let callee: String

    func failure(_ message: String) -> TemplateFailure { TemplateFailure(line, "\(callee): \(message)") }

    /// The argument at `index` or named `name` (Python's binding of one parameter), or nil.
    func argument(_ index: Int, _ name: String) -> TemplateValue? {
        if index < positional.count { return positional[index] }
        return keyword.first { $0.0 == name }?.1
    }

    /// Fails when more arguments are given than the parameters named.
    func expect(_ names: [String]) throws {
        if positional.count > names.count {
            throw failure("takes at most \(names.count) argument\(names.count == 1 ? "" : "s"), got \(positional.count)")
        }
        for (key, _) in keyword where !names.contains(key) {
            throw failure("unexpected keyword argument \"\(key)\"")
        }
    }

    func string(_ index: Int, _ name: String) throws -> String? {
        guard let value = argument(index, name), !value.isUndefined else { return nil }
        if case .none = value { return nil }
        guard case .string(let s) = value else { throw failure("\"\(name)\" must be a string, got \(value.typeName)") }
        return s
    }

    func int(_ index: Int, _ name: String) throws -> Int? {
        guard let value = argument(index, name), !value.isUndefined else { return nil }
        if case .none = value { return nil }
        guard let i = value.integer else { throw failure("\"\(name)\" must be an integer, got \(value.typeName)") }
        return i
    }

    func bool(_ index: Int, _ name: String) -> Bool? {
        guard let value = argument(index, name), !value.isUndefined else { return nil }
        return value.isTruthy
    }
}

/// Python's `repr()` of a float: the shortest digits that round-trip, in fixed notation when the
/// decimal exponent is in [-4, 16), otherwise `1e-05` style.
func pythonFloatRepr(_ d: Double) -> String {
    if d.isNaN { return "nan" }
    if d.isInfinite { return d < 0 ? "-inf" : "inf" }
    if d == 0 { return d.sign == .minus ? "-0.0" : "0.0" }
    // Swift's description has the same shortest round-trip digits; only the layout differs.
    let text = "\(abs(d))"
    var mantissa = text
    var exponent = 0
    if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
        mantissa = String(text[..<e])
        exponent = Int(text[text.index(after: e)...]) ?? 0
    }
    let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
    let whole = String(parts[0])
    let fraction = parts.count > 1 ? String(parts[1]) : ""
    var digits = whole + fraction
    var pointPosition = whole.count + exponent
    while digits.hasPrefix("0") && digits.count > 1 {
        digits.removeFirst()
        pointPosition -= 1
    }
    while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
    let decimalExponent = pointPosition - 1
    var out: String
    if decimalExponent < -4 || decimalExponent >= 16 {
        out = String(digits.first!)
        if digits.count > 1 { out += "." + digits.dropFirst() }
        out += decimalExponent < 0 ? "e-" : "e+"
        let magnitude = abs(decimalExponent)
        out += magnitude < 10 ? "0\(magnitude)" : "\(magnitude)"
    } else if pointPosition <= 0 {
        out = "0." + String(repeating: "0", count: -pointPosition) + digits
    } else if pointPosition >= digits.count {
        out = digits + String(repeating: "0", count: pointPosition - digits.count) + ".0"
    } else {
        let i = digits.index(digits.startIndex, offsetBy: pointPosition)
        out = digits[..<i] + "." + digits[i...]
    }
    return d < 0 ? "-" + out : out
}

/// Python's `repr()` of a str: single quotes unless the text has a single quote and no double
/// quote; backslash escapes for the quote, the backslash and unprintable characters.
func pythonStringRepr(_ s: String) -> String {
    let quote: Unicode.Scalar = s.unicodeScalars.contains("'") && !s.unicodeScalars.contains("\"") ? "\"" : "'"
    var out = String.UnicodeScalarView()
    out.append(quote)
    for c in s.unicodeScalars {
        switch c {
        case quote, "\\":
            out.append("\\")
            out.append(c)
        case "\n": out.append(contentsOf: "\\n".unicodeScalars)
        case "\r": out.append(contentsOf: "\\r".unicodeScalars)
        case "\t": out.append(contentsOf: "\\t".unicodeScalars)
        default:
            if isPythonPrintable(c) {
                out.append(c)
            } else if c.value < 0x100 {
                out.append(contentsOf: String(format: "\\x%02x", c.value).unicodeScalars)
            } else if c.value < 0x10000 {
                out.append(contentsOf: String(format: "\\u%04x", c.value).unicodeScalars)
            } else {
                out.append(contentsOf: String(format: "\\U%08x", c.value).unicodeScalars)
            }
        }
    }
    out.append(quote)
    return String(out)
}

/// Python's `str.isprintable()` for one character: not a control, format, surrogate, private-use,
/// unassigned or separator character, except the ASCII space.
private func isPythonPrintable(_ c: Unicode.Scalar) -> Bool {
    if c == " " { return true }
    switch c.properties.generalCategory {
    case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator, .spaceSeparator:
        return false
    default:
        return true
    }
}

extension TemplateValue {
    /// A JSON value as the template sees it (what `json.loads` would give Python).
    init(json: JSONValue) {
        switch json {
        case .null: self = .none
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .double(let d): self = .double(d)
        case .string(let s): self = .string(s)
        case .array(let items): self = .list(items.map(TemplateValue.init(json:)))
        case .object(let members): self = .dict(TemplateDict(members.map { (.string($0.key), TemplateValue(json: $0.value)) }))
        }
    }
}

// Values hold mutable reference types (namespaces, functions), so they are not Sendable. Saying
// so explicitly also spares the compiler inferring it through the recursive payloads, which it
// reports as a circular reference when it builds without -enable-testing.
@available(*, unavailable) extension TemplateValue: Sendable {}
@available(*, unavailable) extension TemplateDict: Sendable {}
