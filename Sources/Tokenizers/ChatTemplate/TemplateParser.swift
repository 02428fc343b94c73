/// Builds the statement tree from tokens with Jinja2's grammar and operator precedence
/// (lowest first): `x if c else y`, `or`, `and`, `not`, comparisons and `in`, `+ -`, `~`,
/// `* / // %`, `**`, unary `- +`, then postfix `.a [i] (…)`, filters `|f` and tests `is t`.
struct TemplateParser {
    private let tokens: [TemplateToken]
    private var index = 0
    /// How many `for` loops enclose the current statement (`break`/`continue` need one).
    private var loopDepth = 0
    /// How deeply statements and expressions nest; a hostile template stops here, not in a stack overflow.
    private var nesting = 0

    private mutating func nested<T>(_ body: (inout TemplateParser) throws -> T) throws -> T {
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= 200 else { throw TemplateFailure(current.line, "nesting too deep") }
        return try body(&self)
    }

    init(tokens: [TemplateToken]) { self.tokens = tokens }

    static func parse(_ source: String) throws -> [TemplateNode] {
        var parser = TemplateParser(tokens: try TemplateLexer.tokenize(source))
        let (nodes, endTag) = try parser.parseBody(until: [])
        if let endTag { throw TemplateFailure(endTag.line, "unexpected \"\(endTag.name)\"") }
        return nodes
    }

    // MARK: token helpers

    private var current: TemplateToken { tokens[index] }
    private func peek(_ offset: Int = 1) -> TemplateToken { tokens[min(index + offset, tokens.count - 1)] }
    private mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    private func isName(_ name: String, _ token: TemplateToken? = nil) -> Bool {
        if case .name(name) = (token ?? current).kind { return true }
        return false
    }

    private func isOp(_ op: String, _ token: TemplateToken? = nil) -> Bool {
        if case .op(op) = (token ?? current).kind { return true }
        return false
    }

    private mutating func skipOp(_ op: String) -> Bool {
        guard isOp(op) else { return false }
        advance()
        return true
    }

    private mutating func skipName(_ name: String) -> Bool {
        guard isName(name) else { return false }
        advance()
        return true
    }

    private func describe(_ token: TemplateToken) -> String {
        switch token.kind {
        case .text: return "text"
        case .variableBegin: return "\"{{\""
        case .variableEnd: return "\"}}\""
        case .blockBegin: return "\"{%\""
        case .blockEnd: return "\"%}\""
        case .name(let n): return "\"\(n)\""
        case .string: return "a string"
        case .integer(let v): return "\(v)"
        case .float(let v): return "\(v)"
        case .op(let o): return "\"\(o)\""
        case .end: return "the end of the template"
        }
    }

    private func unexpected(_ expected: String) -> TemplateFailure {
        TemplateFailure(current.line, "expected \(expected), got \(describe(current))")
    }

    private mutating func expectOp(_ op: String) throws {
        guard skipOp(op) else { throw unexpected("\"\(op)\"") }
    }

    private mutating func expectName() throws -> String {
        guard case .name(let n) = current.kind else { throw unexpected("a name") }
        advance()
        return n
    }

    private mutating func expectBlockEnd() throws {
        guard case .blockEnd = current.kind else { throw unexpected("\"%}\"") }
        advance()
    }

    // MARK: statements

    /// Parses statements until a block tag named in `endNames`; returns that tag (its name and
    /// line), leaving the parser after the tag's name.
    private mutating func parseBody(until endNames: Set<String>) throws -> ([TemplateNode], (name: String, line: Int)?) {
        var nodes: [TemplateNode] = []
        while true {
            let token = current
            switch token.kind {
            case .end:
                return (nodes, nil)
            case .text(let text):
                nodes.append(.text(text))
                advance()
            case .variableBegin:
                advance()
                nodes.append(.output(try parseTuple()))
                guard case .variableEnd = current.kind else { throw unexpected("\"}}\"") }
                advance()
            case .blockBegin:
                advance()
                guard case .name(let tag) = current.kind else { throw unexpected("a tag name") }
                if endNames.contains(tag) {
                    let line = current.line
                    advance()
                    return (nodes, (tag, line))
                }
                nodes += try nested { try $0.parseStatement(tag) }
            default:
                throw unexpected("text or a tag")
            }
        }
    }

    /// Parses a body that must end with one of `endNames` (named in the error when it does not).
    private mutating func parseRequiredBody(_ tag: String, line: Int, until endNames: Set<String>) throws -> ([TemplateNode], String) {
        let (body, end) = try parseBody(until: endNames)
        guard let end else {
            let names = endNames.sorted().map { "\"\($0)\"" }.joined(separator: " or ")
            throw TemplateFailure(line, "\"\(tag)\" is never closed (expected \(names))")
        }
        return (body, end.name)
    }

    private mutating func parseStatement(_ tag: String) throws -> [TemplateNode] {
        let line = current.line
        advance()
        switch tag {
        case "if": return [try parseIf(line: line)]
        case "for": return [try parseFor(line: line)]
        case "set": return [try parseSet(line: line)]
        case "macro": return [try parseMacro(line: line)]
        case "call": return [try parseCallBlock(line: line)]
        case "filter":
            let filters = try parseFilterChain()
            try expectBlockEnd()
            let (body, _) = try parseRequiredBody(tag, line: line, until: ["endfilter"])
            try expectBlockEnd()
            return [.filterBlock(filters: filters, body: body, line: line)]
        case "break", "continue":
            guard loopDepth > 0 else { throw TemplateFailure(line, "\"\(tag)\" outside a loop") }
            try expectBlockEnd()
            return [tag == "break" ? .break(line: line) : .continue(line: line)]
        case "generation":
            // transformers' {% generation %} marks assistant text for masks; it renders its body as is.
            try expectBlockEnd()
            let (body, _) = try parseRequiredBody(tag, line: line, until: ["endgeneration"])
            try expectBlockEnd()
            return body
        default:
            throw TemplateFailure(line, "unsupported tag \"\(tag)\"")
        }
    }

    private mutating func parseIf(line: Int) throws -> TemplateNode {
        var branches: [(condition: TemplateExpression, body: [TemplateNode])] = []
        var condition = try parseTuple(conditional: false)
        try expectBlockEnd()
        while true {
            let (body, end) = try parseRequiredBody("if", line: line, until: ["elif", "else", "endif"])
            branches.append((condition, body))
            switch end {
            case "elif":
                condition = try parseTuple(conditional: false)
                try expectBlockEnd()
            case "else":
                try expectBlockEnd()
                let (otherwise, _) = try parseRequiredBody("if", line: line, until: ["endif"])
                try expectBlockEnd()
                return .if(branches, otherwise: otherwise, line: line)
            default:
                try expectBlockEnd()
                return .if(branches, otherwise: [], line: line)
            }
        }
    }

    private mutating func parseFor(line: Int) throws -> TemplateNode {
        let target = try parseAssignTarget(allowAttribute: false)
        guard skipName("in") else { throw unexpected("\"in\"") }
        let iterable = try parseTuple(conditional: false)
        var filter: TemplateExpression?
        if skipName("if") { filter = try parseExpression() }
        if isName("recursive") { throw TemplateFailure(current.line, "unsupported: recursive loops") }
        try expectBlockEnd()
        loopDepth += 1
        let (body, end) = try parseRequiredBody("for", line: line, until: ["else", "endfor"])
        loopDepth -= 1
        try expectBlockEnd()
        var otherwise: [TemplateNode] = []
        if end == "else" {
            (otherwise, _) = try parseRequiredBody("for", line: line, until: ["endfor"])
            try expectBlockEnd()
        }
        return .for(target: target, iterable: iterable, filter: filter, body: body, otherwise: otherwise, line: line)
    }

    private mutating func parseAssignTarget(allowAttribute: Bool) throws -> TemplateTarget {
        if allowAttribute, case .name(let base) = current.kind, isOp(".", peek()) {
            advance()
            advance()
            return .attribute(base, try expectName())
        }
        let parenthesized = skipOp("(")
        var names = [try expectName()]
        var isTuple = parenthesized
        while skipOp(",") {
            isTuple = true
            if case .name = current.kind { names.append(try expectName()) } else { break }
        }
        if parenthesized { try expectOp(")") }
        return isTuple ? .tuple(names) : .name(names[0])
    }

    private mutating func parseSet(line: Int) throws -> TemplateNode {
        let target = try parseAssignTarget(allowAttribute: true)
        if skipOp("=") {
            let value = try parseTuple()
            try expectBlockEnd()
            return .set(target, value, line: line)
        }
        guard case .name(let name) = target else { throw unexpected("\"=\"") }
        let filters = skipOp("|") ? try parseFilterChain() : []
        try expectBlockEnd()
        let (body, _) = try parseRequiredBody("set", line: line, until: ["endset"])
        try expectBlockEnd()
        return .setBlock(name, body: body, filters: filters, line: line)
    }

    private mutating func parseParameters() throws -> [TemplateParameter] {
        var parameters: [TemplateParameter] = []
        try expectOp("(")
        while !isOp(")") {
            if !parameters.isEmpty { try expectOp(",") }
            if isOp(")") { break }
            let name = try expectName()
            let defaultValue = skipOp("=") ? try parseExpression() : nil
            if defaultValue == nil, parameters.last?.defaultValue != nil {
                throw TemplateFailure(current.line, "parameter \"\(name)\" without a default follows one with a default")
            }
            parameters.append(TemplateParameter(name: name, defaultValue: defaultValue))
        }
        try expectOp(")")
        return parameters
    }

    private mutating func parseMacro(line: Int) throws -> TemplateNode {
        let name = try expectName()
        let parameters = try parseParameters()
        try expectBlockEnd()
        let outerLoops = loopDepth
        loopDepth = 0
        let (body, _) = try parseRequiredBody("macro", line: line, until: ["endmacro"])
        loopDepth = outerLoops
        if case .name = current.kind { advance() }  // {% endmacro name %}
        try expectBlockEnd()
        return .macro(name: name, parameters: parameters, body: body, line: line)
    }

    private mutating func parseCallBlock(line: Int) throws -> TemplateNode {
        let parameters = isOp("(") ? try parseParameters() : []
        let call = try parseExpression()
        guard case .call = call else { throw TemplateFailure(line, "expected a macro call after \"call\"") }
        try expectBlockEnd()
        let (body, _) = try parseRequiredBody("call", line: line, until: ["endcall"])
        try expectBlockEnd()
        return .callBlock(call: call, parameters: parameters, body: body, line: line)
    }

    private mutating func parseFilterChain() throws -> [(String, TemplateArguments)] {
        var filters: [(String, TemplateArguments)] = []
        repeat {
            let name = try parseDottedName()
            let arguments = isOp("(") ? try parseArguments() : TemplateArguments()
            filters.append((name, arguments))
        } while skipOp("|")
        return filters
    }

    // MARK: expressions

    /// An expression, or a tuple when commas follow (`{{ a, b }}`, `set x = 1, 2`).
    private mutating func parseTuple(conditional: Bool = true) throws -> TemplateExpression {
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

    private mutating func parseConditional() throws -> TemplateExpression {
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

    private mutating func parseOr() throws -> TemplateExpression {
        var left = try parseAnd()
        while isName("or") {
            let line = current.line
            advance()
            left = .or(left, try parseAnd(), line: line)
        }
        return left
    }

    private mutating func parseAnd() throws -> TemplateExpression {
        var left = try parseNot()
        while isName("and") {
            let line = current.line
            advance()
            left = .and(left, try parseNot(), line: line)
        }
        return left
    }

    private mutating func parseNot() throws -> TemplateExpression {
        if isName("not") {
            let line = current.line
            advance()
            return .unary("not", try nested { try $0.parseNot() }, line: line)
        }
        return try parseCompare()
    }

    /// Comparisons chain as in Python: `a < b < c` is `a < b and b < c`.
    private mutating func parseCompare() throws -> TemplateExpression {
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

    private mutating func parseBinary(_ ops: Set<String>, _ next: (inout TemplateParser) throws -> TemplateExpression) throws -> TemplateExpression {
        var left = try next(&self)
        while case .op(let op) = current.kind, ops.contains(op) {
            let line = current.line
            advance()
            left = .binary(op, left, try next(&self), line: line)
        }
        return left
    }

    private mutating func parseMath1() throws -> TemplateExpression {
        try parseBinary(["+", "-"]) { try $0.parseConcat() }
    }

    private mutating func parseConcat() throws -> TemplateExpression {
        try parseBinary(["~"]) { try $0.parseMath2() }
    }

    private mutating func parseMath2() throws -> TemplateExpression {
        try parseBinary(["*", "/", "//", "%"]) { try $0.parsePow() }
    }

    private mutating func parsePow() throws -> TemplateExpression {
        try parseBinary(["**"]) { try $0.parseUnary(withFilter: true) }
    }

    private mutating func parseUnary(withFilter: Bool) throws -> TemplateExpression {
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

    private mutating func parsePrimary() throws -> TemplateExpression {
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

    private mutating func parsePostfix(_ base: TemplateExpression) throws -> TemplateExpression {
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

    private mutating func parseSubscript(_ base: TemplateExpression, line: Int) throws -> TemplateExpression {
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

    private mutating func parseArguments() throws -> TemplateArguments {
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

    private mutating func parseDottedName() throws -> String {
        var name = try expectName()
        while isOp(".") {
            advance()
            name += "." + (try expectName())
        }
        return name
    }

    private mutating func parseFilterExpression(_ base: TemplateExpression) throws -> TemplateExpression {
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
    private func startsTestArgument() -> Bool {
        switch current.kind {
        case .name(let n): return !["else", "or", "and"].contains(n)
        case .string, .integer, .float: return true
        case .op(let o): return o == "(" || o == "[" || o == "{"
        default: return false
        }
    }
}
