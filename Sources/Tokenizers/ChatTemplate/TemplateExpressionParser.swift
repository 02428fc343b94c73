/// Expressions, with Jinja2's precedence (lowest first): `x if c else y`, `or`, `and`, `not`,
/// comparisons and `in` (chained as in Python), `+ -`, `~`, `* / // %`, `**`, unary `- +`, then
/// postfix `.a [i] (…)`, filters `|f` and tests `is t`.
extension TemplateParser {
    /// An expression, or a tuple when commas follow (`{{ a, b }}`, `set x = 1, 2`).
    mutating func parseTuple(conditional: Bool = true) throws -> TemplateExpression {
        let line = current.line
        let first = conditional ? try parseExpression() : try parseOr()
        guard isOp(",") else { return first }
        var items = [first]
        while skipOp(",") {
            if case .variableEnd = current.kind { break }
            if case .blockEnd = current.kind { break }
            items.append(conditional ? try parseExpression() : try parseOr())
        }
        return .tuple(items, line: line)
    }

    mutating func parseExpression() throws -> TemplateExpression {
        try nested { try $0.parseConditional() }
    }

    mutating func parseConditional() throws -> TemplateExpression {
        var value = try parseOr()
        while isName("if") {
            let line = current.line
            advance()
            let condition = try parseOr()
            let otherwise = skipName("else") ? try parseExpression() : nil
            value = .conditional(condition: condition, then: value, otherwise: otherwise, line: line)
        }
        return value
    }

    mutating func parseOr() throws -> TemplateExpression {
        var left = try parseAnd()
        while isName("or") {
            let line = current.line
            advance()
            left = .or(left, try parseAnd(), line: line)
        }
        return left
    }

    mutating func parseAnd() throws -> TemplateExpression {
        var left = try parseNot()
        while isName("and") {
            let line = current.line
            advance()
            left = .and(left, try parseNot(), line: line)
        }
        return left
    }

    mutating func parseNot() throws -> TemplateExpression {
        if isName("not") {
            let line = current.line
            advance()
            return .unary("not", try nested { try $0.parseNot() }, line: line)
        }
        return try parseCompare()
    }

    /// Comparisons chain as in Python: `a < b < c` is `a < b and b < c`.
    mutating func parseCompare() throws -> TemplateExpression {
        var operands = [try parseMath1()]
        var operators: [(op: String, line: Int)] = []
        while true {
            let line = current.line
            if case .op(let op) = current.kind, ["==", "!=", "<", ">", "<=", ">="].contains(op) {
                advance()
                operators.append((op, line))
            } else if isName("in") {
                advance()
                operators.append(("in", line))
            } else if isName("not") && isName("in", peek()) {
                advance()
                advance()
                operators.append(("not in", line))
            } else {
                break
            }
            operands.append(try parseMath1())
        }
        var result = operands[0]
        for (i, op) in operators.enumerated() {
            let comparison = TemplateExpression.binary(op.op, operands[i], operands[i + 1], line: op.line)
            result = i == 0 ? comparison : .and(result, comparison, line: op.line)
        }
        return result
    }

    mutating func parseBinary(_ ops: Set<String>, _ next: (inout TemplateParser) throws -> TemplateExpression) throws -> TemplateExpression {
        var left = try next(&self)
        while case .op(let op) = current.kind, ops.contains(op) {
            let line = current.line
            advance()
            left = .binary(op, left, try next(&self), line: line)
        }
        return left
    }

    mutating func parseMath1() throws -> TemplateExpression {
        try parseBinary(["+", "-"]) { try $0.parseConcat() }
    }

    mutating func parseConcat() throws -> TemplateExpression {
        try parseBinary(["~"]) { try $0.parseMath2() }
    }

    mutating func parseMath2() throws -> TemplateExpression {
        try parseBinary(["*", "/", "//", "%"]) { try $0.parsePow() }
    }

    mutating func parsePow() throws -> TemplateExpression {
        try parseBinary(["**"]) { try $0.parseUnary(withFilter: true) }
    }

    mutating func parseUnary(withFilter: Bool) throws -> TemplateExpression {
        let line = current.line
        var node: TemplateExpression
        if isOp("-") {
            advance()
            node = .unary("-", try nested { try $0.parseUnary(withFilter: false) }, line: line)
        } else if isOp("+") {
            advance()
            node = .unary("+", try nested { try $0.parseUnary(withFilter: false) }, line: line)
        } else {
            node = try parsePrimary()
        }
        node = try parsePostfix(node)
        if withFilter { node = try parseFilterExpression(node) }
        return node
    }

    mutating func parsePrimary() throws -> TemplateExpression {
        let token = current
        let line = token.line
        switch token.kind {
        case .name(let name):
            advance()
            switch name {
            case "true", "True": return .literal(.bool(true), line: line)
            case "false", "False": return .literal(.bool(false), line: line)
            case "none", "None": return .literal(.none, line: line)
            default: return .name(name, line: line)
            }
        case .string(var text):
            advance()
            while case .string(let more) = current.kind {
                text += more
                advance()
            }
            return .literal(.string(text), line: line)
        case .integer(let v):
            advance()
            return .literal(.int(v), line: line)
        case .float(let v):
            advance()
            return .literal(.double(v), line: line)
        case .op("("):
            advance()
            if skipOp(")") { return .tuple([], line: line) }
            let first = try parseExpression()
            if skipOp(")") { return first }
            var items = [first]
            while skipOp(",") {
                if isOp(")") { break }
                items.append(try parseExpression())
            }
            try expectOp(")")
            return .tuple(items, line: line)
        case .op("["):
            advance()
            var items: [TemplateExpression] = []
            while !isOp("]") {
                if !items.isEmpty { try expectOp(",") }
                if isOp("]") { break }
                items.append(try parseExpression())
            }
            try expectOp("]")
            return .list(items, line: line)
        case .op("{"):
            advance()
            var pairs: [(TemplateExpression, TemplateExpression)] = []
            while !isOp("}") {
                if !pairs.isEmpty { try expectOp(",") }
                if isOp("}") { break }
                let key = try parseExpression()
                try expectOp(":")
                pairs.append((key, try parseExpression()))
            }
            try expectOp("}")
            return .dict(pairs, line: line)
        default:
            throw unexpected("an expression")
        }
    }

    mutating func parsePostfix(_ base: TemplateExpression) throws -> TemplateExpression {
        var node = base
        while true {
            let line = current.line
            if isOp(".") {
                advance()
                switch current.kind {
                case .name(let name):
                    advance()
                    node = .attribute(node, name, line: line)
                case .integer(let i):
                    advance()
                    node = .item(node, .literal(.int(i), line: line), line: line)
                default:
                    throw unexpected("an attribute name")
                }
            } else if isOp("[") {
                advance()
                node = try parseSubscript(node, line: line)
            } else if isOp("(") {
                node = .call(node, try parseArguments(), line: line)
            } else {
                return node
            }
        }
    }

    mutating func parseSubscript(_ base: TemplateExpression, line: Int) throws -> TemplateExpression {
        func part(_ parser: inout TemplateParser) throws -> TemplateExpression? {
            if parser.isOp(":") || parser.isOp("]") { return nil }
            return try parser.parseExpression()
        }
        let start = try part(&self)
        if skipOp("]") {
            guard let start else { throw unexpected("an index") }
            return .item(base, start, line: line)
        }
        if isOp(",") { throw TemplateFailure(line, "unsupported: tuple subscripts") }
        try expectOp(":")
        let stop = try part(&self)
        var step: TemplateExpression?
        if skipOp(":") { step = try part(&self) }
        try expectOp("]")
        return .slice(base, start: start, stop: stop, step: step, line: line)
    }

    mutating func parseArguments() throws -> TemplateArguments {
        try expectOp("(")
        var arguments = TemplateArguments()
        var first = true
        while !isOp(")") {
            if !first { try expectOp(",") }
            first = false
            if isOp(")") { break }
            if isOp("*") || isOp("**") { throw TemplateFailure(current.line, "unsupported: *args and **kwargs in calls") }
            if case .name(let name) = current.kind, isOp("=", peek()) {
                advance()
                advance()
                arguments.keyword.append((name, try parseExpression()))
            } else {
                guard arguments.keyword.isEmpty else {
                    throw TemplateFailure(current.line, "positional argument after a keyword argument")
                }
                arguments.positional.append(try parseExpression())
            }
        }
        try expectOp(")")
        return arguments
    }

    mutating func parseDottedName() throws -> String {
        var name = try expectName()
        while isOp(".") {
            advance()
            name += "." + (try expectName())
        }
        return name
    }

    mutating func parseFilterExpression(_ base: TemplateExpression) throws -> TemplateExpression {
        var node = base
        while true {
            let line = current.line
            if isOp("|") {
                advance()
                let name = try parseDottedName()
                let arguments = isOp("(") ? try parseArguments() : TemplateArguments()
                node = .filter(node, name: name, arguments, line: line)
            } else if isName("is") {
                advance()
                let negated = skipName("not")
                let name = try parseDottedName()
                var arguments = TemplateArguments()
                if isOp("(") {
                    arguments = try parseArguments()
                } else if startsTestArgument() {
                    if isName("is") { throw TemplateFailure(line, "cannot chain tests with \"is\"") }
                    arguments.positional = [try parsePostfix(try parsePrimary())]
                }
                node = .test(node, name: name, arguments, negated: negated, line: line)
            } else if isOp("(") {
                node = .call(node, try parseArguments(), line: line)
            } else {
                return node
            }
        }
    }

    /// Jinja2 takes one bare argument after a test name (`x is divisibleby 3`) when a value starts there.
    func startsTestArgument() -> Bool {
        switch current.kind {
        case .name(let n): return !["else", "or", "and"].contains(n)
        case .string, .integer, .float: return true
        case .op(let o): return o == "(" || o == "[" || o == "{"
        default: return false
        }
    }
}
