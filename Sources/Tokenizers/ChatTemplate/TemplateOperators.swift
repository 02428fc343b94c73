import Foundation

/// Python's operators and Jinja2's attribute and item lookup on template values.
enum TemplateOperators {
    /// Jinja2 would print `<generator object … at 0x…>`, which no template means to do.
    static func printedGenerator(line: Int) -> TemplateFailure {
        TemplateFailure(line, "unsupported: printing a generator (map, select, unique, reverse… give one); add |list")
    }

    static func undefinedFailure(_ value: TemplateValue, line: Int) -> TemplateFailure {
        if case .undefined(let what) = value { return TemplateFailure(line, what) }
        return TemplateFailure(line, "undefined value")
    }

    static func binary(_ op: String, _ a: TemplateValue, _ b: TemplateValue, line: Int) throws -> TemplateValue {
        switch op {
        case "~":
            if case .iterator = a { throw printedGenerator(line: line) }
            if case .iterator = b { throw printedGenerator(line: line) }
            return .string(a.pythonString + b.pythonString)
        case "==": return .bool(a.pythonEquals(b))
        case "!=": return .bool(!a.pythonEquals(b))
        case "<", ">", "<=", ">=": return .bool(try compare(op, a, b, line: line))
        case "in": return .bool(try contains(b, a, line: line))
        case "not in": return .bool(!(try contains(b, a, line: line)))
        default: break
        }
        if a.isUndefined { throw undefinedFailure(a, line: line) }
        if b.isUndefined { throw undefinedFailure(b, line: line) }
        func typeError() -> TemplateFailure {
            TemplateFailure(line, "unsupported operand type(s) for \(op): '\(a.typeName)' and '\(b.typeName)'")
        }
        switch (op, a, b) {
        case ("+", .string(let x), .string(let y)): return .string(x + y)
        case ("+", .list(let x), .list(let y)): return .list(x + y)
        case ("+", .tuple(let x), .tuple(let y)): return .tuple(x + y)
        case ("*", .string(let s), _) where b.integer != nil: return .string(String(repeating: s, count: max(0, b.integer!)))
        case ("*", _, .string(let s)) where a.integer != nil: return .string(String(repeating: s, count: max(0, a.integer!)))
        case ("*", .list(let items), _) where b.integer != nil:
            return .list(Array(repeating: items, count: max(0, b.integer!)).flatMap { $0 })
        case ("%", .string, _): throw TemplateFailure(line, "unsupported: % string formatting")
        default: break
        }
        if let x = a.integer, let y = b.integer { return try integerArithmetic(op, x, y, line: line) ?? { throw typeError() }() }
        guard let x = a.number, let y = b.number else { throw typeError() }
        switch op {
        case "+": return .double(x + y)
        case "-": return .double(x - y)
        case "*": return .double(x * y)
        case "/":
            guard y != 0 else { throw TemplateFailure(line, "division by zero") }
            return .double(x / y)
        case "//":
            guard y != 0 else { throw TemplateFailure(line, "float floor division by zero") }
            return .double((x / y).rounded(.down))
        case "%":
            guard y != 0 else { throw TemplateFailure(line, "float modulo") }
            let r = x.truncatingRemainder(dividingBy: y)
            return .double(r != 0 && (r < 0) != (y < 0) ? r + y : r)
        case "**": return .double(pow(x, y))
        default: throw typeError()
        }
    }

    /// Python integer arithmetic; overflow of 64 bits is an error rather than a wrong number.
    private static func integerArithmetic(_ op: String, _ x: Int, _ y: Int, line: Int) throws -> TemplateValue? {
        func checked(_ r: (partialValue: Int, overflow: Bool)) throws -> TemplateValue {
            guard !r.overflow else { throw TemplateFailure(line, "integer overflow in \(op)") }
            return .int(r.partialValue)
        }
        switch op {
        case "+": return try checked(x.addingReportingOverflow(y))
        case "-": return try checked(x.subtractingReportingOverflow(y))
        case "*": return try checked(x.multipliedReportingOverflow(by: y))
        case "/":
            guard y != 0 else { throw TemplateFailure(line, "division by zero") }
            return .double(Double(x) / Double(y))
        case "//", "%":
            guard y != 0 else { throw TemplateFailure(line, "integer division or modulo by zero") }
            var q = x / y
            var r = x % y
            if r != 0 && (r < 0) != (y < 0) { q -= 1; r += y }
            return .int(op == "//" ? q : r)
        case "**":
            if y < 0 { return .double(pow(Double(x), Double(y))) }
            var result = 1
            for _ in 0..<y {
                let (p, overflow) = result.multipliedReportingOverflow(by: x)
                guard !overflow else { throw TemplateFailure(line, "integer overflow in **") }
                result = p
            }
            return .int(result)
        default: return nil
        }
    }

    static func compare(_ op: String, _ a: TemplateValue, _ b: TemplateValue, line: Int) throws -> Bool {
        if a.isUndefined { throw undefinedFailure(a, line: line) }
        if b.isUndefined { throw undefinedFailure(b, line: line) }
        func less(_ x: TemplateValue, _ y: TemplateValue) throws -> Bool {
            guard let r = x.pythonLess(y) else {
                throw TemplateFailure(line, "'\(op)' not supported between instances of '\(a.typeName)' and '\(b.typeName)'")
            }
            return r
        }
        switch op {
        case "<": return try less(a, b)
        case ">": return try less(b, a)
        case "<=": return try !less(b, a)
        default: return try !less(a, b)
        }
    }

    /// Python's `needle in container`.
    static func contains(_ container: TemplateValue, _ needle: TemplateValue, line: Int) throws -> Bool {
        switch container {
        case .undefined: return false
        case .string(let s):
            guard case .string(let n) = needle else {
                throw TemplateFailure(line, "'in <string>' requires string as left operand, not \(needle.typeName)")
            }
            return n.isEmpty || scalarRange(of: n, in: s, from: 0) != nil
        case .list(let items), .tuple(let items), .iterator(let items): return items.contains { $0.pythonEquals(needle) }
        case .dict(let d): return d[needle] != nil
        case .namespace(let n): return n.values[needle] != nil
        default: throw TemplateFailure(line, "argument of type '\(container.typeName)' is not iterable")
        }
    }

    /// Jinja2's `obj.name`: Python attributes first (methods of str, dict, list), then items.
    static func attribute(_ object: TemplateValue, _ name: String, line: Int) throws -> TemplateValue {
        switch object {
        case .undefined: throw undefinedFailure(object, line: line)
        case .dict(let d):
            if let method = TemplateMethods.method(object, name, line: line) { return method }
            return d[name] ?? .undefined("'dict object' has no attribute '\(name)'")
        case .namespace(let n):
            return n.values[name] ?? .undefined("'Namespace object' has no attribute '\(name)'")
        default:
            if let method = TemplateMethods.method(object, name, line: line) { return method }
            return .undefined("'\(object.typeName) object' has no attribute '\(name)'")
        }
    }

    /// Jinja2's `obj[key]`: items first, then attributes for string keys.
    static func item(_ object: TemplateValue, _ key: TemplateValue, line: Int) throws -> TemplateValue {
        switch (object, key) {
        case (.undefined, _): throw undefinedFailure(object, line: line)
        case (.list(let items), _) where key.integer != nil, (.tuple(let items), _) where key.integer != nil:
            let i = key.integer!
            let index = i < 0 ? items.count + i : i
            return items.indices.contains(index) ? items[index] : .undefined("\(object.typeName) object has no element \(i)")
        case (.string(let s), _) where key.integer != nil:
            let scalars = Array(s.unicodeScalars)
            let i = key.integer!
            let index = i < 0 ? scalars.count + i : i
            return scalars.indices.contains(index) ? .string(String(scalars[index])) : .undefined("str object has no element \(i)")
        case (.dict(let d), _):
            if let value = d[key] { return value }
        default: break
        }
        if case .string(let name) = key { return try attribute(object, name, line: line) }
        return .undefined("\(object.typeName) object has no element \(key.pythonRepr)")
    }

    /// Python's `sequence[start:stop:step]` on lists, tuples and strings.
    static func slice(_ object: TemplateValue, start: Int?, stop: Int?, step: Int?, line: Int) throws -> TemplateValue {
        let step = step ?? 1
        guard step != 0 else { throw TemplateFailure(line, "slice step cannot be zero") }
        func indices(_ count: Int) -> [Int] {
            func adjust(_ value: Int?, defaultValue: Int, low: Int, high: Int) -> Int {
                guard var v = value else { return defaultValue }
                if v < 0 { v += count; if v < 0 { v = low } } else if v > high { v = high }
                return v
            }
            var out: [Int] = []
            if step > 0 {
                var i = adjust(start, defaultValue: 0, low: 0, high: count)
                let end = adjust(stop, defaultValue: count, low: 0, high: count)
                while i < end { out.append(i); i += step }
            } else {
                var i = adjust(start, defaultValue: count - 1, low: -1, high: count - 1)
                let end = adjust(stop, defaultValue: -1, low: -1, high: count - 1)
                while i > end { out.append(i); i += step }
            }
            return out
        }
        switch object {
        case .undefined: throw undefinedFailure(object, line: line)
        case .list(let items): return .list(indices(items.count).map { items[$0] })
        case .tuple(let items): return .tuple(indices(items.count).map { items[$0] })
        case .string(let s):
            let scalars = Array(s.unicodeScalars)
            var out = String.UnicodeScalarView()
            for i in indices(scalars.count) { out.append(scalars[i]) }
            return .string(String(out))
        default:
            return .undefined("'\(object.typeName) object' cannot be sliced")
        }
    }
}

/// The scalar offset of the first occurrence of `needle` in `haystack` at or after `from`.
func scalarRange(of needle: String, in haystack: String, from: Int) -> Int? {
    let h = Array(haystack.unicodeScalars)
    let n = Array(needle.unicodeScalars)
    guard n.count <= h.count else { return nil }
    var i = max(0, from)
    while i + n.count <= h.count {
        if h[i..<(i + n.count)].elementsEqual(n) { return i }
        i += 1
    }
    return nil
}
