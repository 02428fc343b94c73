/// Builds the statement tree from tokens with Jinja2's grammar: text, `{{ … }}`, and the tags
/// `if`/`elif`/`else`, `for` (with `if` filter and `else`), `set` (and block `set`), `macro`,
/// `call`, `filter`, `break`/`continue`, transformers' `generation`. Expressions are parsed in
/// TemplateExpressionParser.swift.
struct TemplateParser {
    let tokens: [TemplateToken]
    var index = 0
    /// How many `for` loops enclose the current statement (`break`/`continue` need one).
    var loopDepth = 0
    /// How deeply statements and expressions nest; a hostile template stops here, not in a stack overflow.
    var nesting = 0

    mutating func nested<T>(_ body: (inout TemplateParser) throws -> T) throws -> T {
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

    var current: TemplateToken { tokens[index] }
    func peek(_ offset: Int = 1) -> TemplateToken { tokens[min(index + offset, tokens.count - 1)] }
    mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    func isName(_ name: String, _ token: TemplateToken? = nil) -> Bool {
        if case .name(name) = (token ?? current).kind { return true }
        return false
    }

    func isOp(_ op: String, _ token: TemplateToken? = nil) -> Bool {
        if case .op(op) = (token ?? current).kind { return true }
        return false
    }

    mutating func skipOp(_ op: String) -> Bool {
        guard isOp(op) else { return false }
        advance()
        return true
    }

    mutating func skipName(_ name: String) -> Bool {
        guard isName(name) else { return false }
        advance()
        return true
    }

    func describe(_ token: TemplateToken) -> String {
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

    func unexpected(_ expected: String) -> TemplateFailure {
        TemplateFailure(current.line, "expected \(expected), got \(describe(current))")
    }

    mutating func expectOp(_ op: String) throws {
        guard skipOp(op) else { throw unexpected("\"\(op)\"") }
    }

    mutating func expectName() throws -> String {
        guard case .name(let n) = current.kind else { throw unexpected("a name") }
        advance()
        return n
    }

    mutating func expectBlockEnd() throws {
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
}
