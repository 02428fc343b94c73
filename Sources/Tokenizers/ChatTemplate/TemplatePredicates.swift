/// Jinja2's tests, the right-hand side of `value is name(args)`.
enum TemplatePredicates {
    static func apply(_ name: String, _ value: TemplateValue, _ call: TemplateCall) throws -> Bool {
        func other() throws -> TemplateValue {
            try call.expect(["other"])
            guard let v = call.argument(0, "other") else { throw call.failure("missing argument") }
            return v
        }
        switch name {
        case "defined": try call.expect([]); return !value.isUndefined
        case "undefined": try call.expect([]); return value.isUndefined
        case "none": try call.expect([]); if case .none = value { return true } else { return false }
        case "boolean": try call.expect([]); if case .bool = value { return true } else { return false }
        case "true": try call.expect([]); if case .bool(true) = value { return true } else { return false }
        case "false": try call.expect([]); if case .bool(false) = value { return true } else { return false }
        case "string": try call.expect([]); if case .string = value { return true } else { return false }
        case "mapping": try call.expect([]); if case .dict = value { return true } else { return false }
        case "integer": try call.expect([]); if case .int = value { return true } else { return false }
        case "float": try call.expect([]); if case .double = value { return true } else { return false }
        case "number": try call.expect([]); return value.number != nil
        case "callable": try call.expect([]); if case .function = value { return true } else { return false }
        case "iterable":
            try call.expect([])
            switch value {
            case .undefined, .string, .list, .tuple, .dict, .iterator: return true
            default: return false
            }
        case "sequence":
            try call.expect([])
            switch value {
            case .string, .list, .tuple, .dict: return true
            default: return false
            }
        case "odd", "even":
            try call.expect([])
            guard let i = value.integer else { throw call.failure("expects an integer, not \(value.typeName)") }
            return (i % 2 != 0) == (name == "odd")
        case "divisibleby":
            let d = try other()
            guard let i = value.integer, let n = d.integer else { throw call.failure("expects integers") }
            guard n != 0 else { throw call.failure("integer division or modulo by zero") }
            return i % n == 0
        case "lower", "upper":
            try call.expect([])
            let s = value.pythonString
            let cased = s.unicodeScalars.filter(\.properties.isCased)
            guard !cased.isEmpty else { return false }
            return name == "lower" ? cased.allSatisfy(\.properties.isLowercase) : cased.allSatisfy(\.properties.isUppercase)
        case "eq", "equalto", "==": return value.pythonEquals(try other())
        case "ne", "!=": return !value.pythonEquals(try other())
        case "lt", "lessthan", "<": return try TemplateOperators.compare("<", value, try other(), line: call.line)
        case "le", "<=": return try TemplateOperators.compare("<=", value, try other(), line: call.line)
        case "gt", "greaterthan", ">": return try TemplateOperators.compare(">", value, try other(), line: call.line)
        case "ge", ">=": return try TemplateOperators.compare(">=", value, try other(), line: call.line)
        case "in": return try TemplateOperators.contains(try other(), value, line: call.line)
        case "sameas":
            // Python's `is`: the same object; for the immutable singletons templates compare with, equality.
            let o = try other()
            switch (value, o) {
            case (.none, .none): return true
            case (.bool(let a), .bool(let b)): return a == b
            case (.namespace(let a), .namespace(let b)): return a === b
            default: return false
            }
        case "escaped": try call.expect([]); return false
        default:
            throw TemplateFailure(call.line, "unknown test \"\(name)\"")
        }
    }
}
