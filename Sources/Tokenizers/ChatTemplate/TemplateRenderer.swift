import Foundation

/// Variables visible at one point of a template. A `for` iteration and a macro call each get
/// a child scope, so what they `set` is gone afterwards, as in Jinja2; `if` blocks share their
/// parent's scope.
final class TemplateScope {
    var variables: [String: TemplateValue] = [:]
    let parent: TemplateScope?

    init(parent: TemplateScope?) { self.parent = parent }

    func lookup(_ name: String) -> TemplateValue? {
        var scope: TemplateScope? = self
        while let s = scope {
            if let v = s.variables[name] { return v }
            scope = s.parent
        }
        return nil
    }
}

/// Walks the statement tree and writes the output.
final class TemplateRenderer {
    private enum Flow { case normal, breakLoop, continueLoop }

    private let globals: [String: TemplateValue]
    /// Calls nest through macros; a template that recurses without end stops here.
    private var depth = 0

    init(globals: [String: TemplateValue]) { self.globals = globals }

    func render(_ nodes: [TemplateNode], variables: [String: TemplateValue]) throws -> String {
        let scope = TemplateScope(parent: nil)
        scope.variables = variables
        var out = ""
        _ = try render(nodes, scope: scope, into: &out)
        return out
    }

    private func render(_ nodes: [TemplateNode], scope: TemplateScope, into out: inout String) throws -> Flow {
        for node in nodes {
            let flow = try render(node, scope: scope, into: &out)
            if flow != .normal { return flow }
        }
        return .normal
    }

    private func render(_ node: TemplateNode, scope: TemplateScope, into out: inout String) throws -> Flow {
        switch node {
        case .text(let text):
            out += text
        case .output(let expression):
            let value = try evaluate(expression, scope)
            if case .iterator = value { throw TemplateOperators.printedGenerator(line: expression.line) }
            out += value.pythonString
        case .if(let branches, let otherwise, _):
            for branch in branches where try evaluate(branch.condition, scope).isTruthy {
                return try render(branch.body, scope: scope, into: &out)
            }
            return try render(otherwise, scope: scope, into: &out)
        case .for(let target, let iterable, let filter, let body, let otherwise, let line):
            try renderFor(target, iterable, filter, body, otherwise, line: line, scope: scope, into: &out)
        case .set(let target, let expression, let line):
            try assign(target, try evaluate(expression, scope), scope: scope, line: line)
        case .setBlock(let name, let body, let filters, let line):
            var text = ""
            _ = try render(body, scope: scope, into: &text)
            scope.variables[name] = try applyFilters(filters, to: .string(text), scope: scope, line: line)
        case .macro(let name, let parameters, let body, _):
            scope.variables[name] = makeMacro(name, parameters, body, definedIn: scope)
        case .callBlock(let call, let parameters, let body, let line):
            guard case .call(let callee, let arguments, let callLine) = call else {
                throw TemplateFailure(line, "expected a macro call after \"call\"")
            }
            let caller = makeMacro("caller", parameters, body, definedIn: scope)
            out += try callFunction(try evaluate(callee, scope), arguments, extra: [("caller", caller)], scope: scope, line: callLine).pythonString
        case .filterBlock(let filters, let body, let line):
            var text = ""
            _ = try render(body, scope: scope, into: &text)
            out += try applyFilters(filters, to: .string(text), scope: scope, line: line).pythonString
        case .break: return .breakLoop
        case .continue: return .continueLoop
        }
        return .normal
    }

    private func renderFor(_ target: TemplateTarget, _ iterable: TemplateExpression, _ filter: TemplateExpression?,
                           _ body: [TemplateNode], _ otherwise: [TemplateNode], line: Int,
                           scope: TemplateScope, into out: inout String) throws {
        var items = try evaluate(iterable, scope).iterated(line: iterable.line)
        if let filter {
            items = try items.filter { item in
                let s = TemplateScope(parent: scope)
                try assign(target, item, scope: s, line: line)
                return try evaluate(filter, s).isTruthy
            }
        }
        if items.isEmpty {
            _ = try render(otherwise, scope: TemplateScope(parent: scope), into: &out)
            return
        }
        for (i, item) in items.enumerated() {
            let s = TemplateScope(parent: scope)
            try assign(target, item, scope: s, line: line)
            s.variables["loop"] = loopObject(index: i, items: items)
            if try render(body, scope: s, into: &out) == .breakLoop { break }
        }
    }

    /// Jinja2's `loop` variable for iteration `index` over `items`.
    private func loopObject(index: Int, items: [TemplateValue]) -> TemplateValue {
        let n = items.count
        let cycle = TemplateFunction("loop.cycle") { call in
            guard !call.positional.isEmpty else { throw call.failure("no items for cycling given") }
            return call.positional[index % call.positional.count]
        }
        return .dict(TemplateDict([
            (.string("index"), .int(index + 1)), (.string("index0"), .int(index)),
            (.string("revindex"), .int(n - index)), (.string("revindex0"), .int(n - index - 1)),
            (.string("first"), .bool(index == 0)), (.string("last"), .bool(index == n - 1)),
            (.string("length"), .int(n)), (.string("depth"), .int(1)), (.string("depth0"), .int(0)),
            (.string("previtem"), index > 0 ? items[index - 1] : .undefined("there is no previous item")),
            (.string("nextitem"), index + 1 < n ? items[index + 1] : .undefined("there is no next item")),
            (.string("cycle"), .function(cycle)),
        ]))
    }

    private func assign(_ target: TemplateTarget, _ value: TemplateValue, scope: TemplateScope, line: Int) throws {
        switch target {
        case .name(let name):
            scope.variables[name] = value
        case .attribute(let base, let attribute):
            guard case .namespace(let namespace)? = scope.lookup(base) ?? globals[base] else {
                throw TemplateFailure(line, "cannot assign attribute on non-namespace object \"\(base)\"")
            }
            namespace.values[.string(attribute)] = value
        case .tuple(let names):
            let items: [TemplateValue]
            switch value {
            case .list(let v), .tuple(let v): items = v
            case .string, .dict: items = try value.iterated(line: line)
            default: throw TemplateFailure(line, "cannot unpack non-iterable \(value.typeName) object")
            }
            guard items.count == names.count else {
                throw TemplateFailure(line, "cannot unpack \(items.count) values into \(names.count) names")
            }
            for (name, item) in zip(names, items) { scope.variables[name] = item }
        }
    }

    private func makeMacro(_ name: String, _ parameters: [TemplateParameter], _ body: [TemplateNode],
                           definedIn definition: TemplateScope) -> TemplateValue {
        .function(TemplateFunction(name) { [unowned self] call in
            let s = TemplateScope(parent: definition)
            if call.positional.count > parameters.count {
                throw call.failure("takes not more than \(parameters.count) argument(s)")
            }
            for (i, parameter) in parameters.enumerated() {
                if i < call.positional.count {
                    s.variables[parameter.name] = call.positional[i]
                } else if let v = call.keyword.first(where: { $0.0 == parameter.name })?.1 {
                    s.variables[parameter.name] = v
                } else if let d = parameter.defaultValue {
                    s.variables[parameter.name] = try self.evaluate(d, s)
                } else {
                    s.variables[parameter.name] = .undefined("parameter '\(parameter.name)' was not provided")
                }
            }
            for (key, value) in call.keyword where !parameters.contains(where: { $0.name == key }) {
                guard key == "caller" else { throw call.failure("takes no keyword argument '\(key)'") }
                s.variables[key] = value
            }
            self.depth += 1
            defer { self.depth -= 1 }
            guard self.depth < 200 else { throw call.failure("macro calls nest too deeply") }
            var text = ""
            _ = try self.render(body, scope: s, into: &text)
            return .string(text)
        })
    }

    // MARK: expressions

    func evaluate(_ expression: TemplateExpression, _ scope: TemplateScope) throws -> TemplateValue {
        switch expression {
        case .literal(let v, _): return v
        case .name(let name, _):
            return scope.lookup(name) ?? globals[name] ?? .undefined("'\(name)' is undefined")
        case .list(let items, _): return .list(try items.map { try evaluate($0, scope) })
        case .tuple(let items, _): return .tuple(try items.map { try evaluate($0, scope) })
        case .dict(let pairs, let line):
            var dict = TemplateDict()
            for (k, v) in pairs {
                let key = try evaluate(k, scope)
                switch key {
                case .list, .dict, .namespace: throw TemplateFailure(line, "unhashable type: '\(key.typeName)'")
                default: dict[key] = try evaluate(v, scope)
                }
            }
            return .dict(dict)
        case .attribute(let base, let name, let line):
            return try TemplateOperators.attribute(try evaluate(base, scope), name, line: line)
        case .item(let base, let key, let line):
            return try TemplateOperators.item(try evaluate(base, scope), try evaluate(key, scope), line: line)
        case .slice(let base, let start, let stop, let step, let line):
            func bound(_ e: TemplateExpression?) throws -> Int? {
                guard let e else { return nil }
                let v = try evaluate(e, scope)
                if case .none = v { return nil }
                guard let i = v.integer else { throw TemplateFailure(line, "slice indices must be integers or None") }
                return i
            }
            return try TemplateOperators.slice(try evaluate(base, scope), start: try bound(start), stop: try bound(stop),
                                               step: try bound(step), line: line)
        case .call(let callee, let arguments, let line):
            return try callFunction(try evaluate(callee, scope), arguments, extra: [], scope: scope, line: line)
        case .filter(let base, let name, let arguments, let line):
            return try applyFilter(name, try evaluate(base, scope), try evaluateArguments(arguments, scope, line: line, callee: "filter \"\(name)\""),
                                   scope: scope)
        case .test(let base, let name, let arguments, let negated, let line):
            let call = try evaluateArguments(arguments, scope, line: line, callee: "test \"\(name)\"")
            return .bool(try TemplatePredicates.apply(name, try evaluate(base, scope), call) != negated)
        case .unary(let op, let operand, let line):
            let v = try evaluate(operand, scope)
            switch op {
            case "not": return .bool(!v.isTruthy)
            case "-":
                switch v {
                case .int(let i): return .int(-i)
                case .bool(let b): return .int(b ? -1 : 0)
                case .double(let d): return .double(-d)
                case .undefined: throw TemplateOperators.undefinedFailure(v, line: line)
                default: throw TemplateFailure(line, "bad operand type for unary -: '\(v.typeName)'")
                }
            default:
                guard v.number != nil else { throw TemplateFailure(line, "bad operand type for unary +: '\(v.typeName)'") }
                return v
            }
        case .binary(let op, let left, let right, let line):
            return try TemplateOperators.binary(op, try evaluate(left, scope), try evaluate(right, scope), line: line)
        case .and(let left, let right, _):
            let l = try evaluate(left, scope)
            return l.isTruthy ? try evaluate(right, scope) : l
        case .or(let left, let right, _):
            let l = try evaluate(left, scope)
            return l.isTruthy ? l : try evaluate(right, scope)
        case .conditional(let condition, let then, let otherwise, _):
            if try evaluate(condition, scope).isTruthy { return try evaluate(then, scope) }
            return try otherwise.map { try evaluate($0, scope) } ?? .undefined("the conditional expression had no else branch")
        }
    }

    private func evaluateArguments(_ arguments: TemplateArguments, _ scope: TemplateScope, line: Int, callee: String) throws -> TemplateCall {
        TemplateCall(positional: try arguments.positional.map { try evaluate($0, scope) },
                     keyword: try arguments.keyword.map { ($0.0, try evaluate($0.1, scope)) }, line: line, callee: callee)
    }

    private func callFunction(_ callee: TemplateValue, _ arguments: TemplateArguments, extra: [(String, TemplateValue)],
                              scope: TemplateScope, line: Int) throws -> TemplateValue {
        switch callee {
        case .function(let f):
            var call = try evaluateArguments(arguments, scope, line: line, callee: f.name)
            call.keyword += extra
            return try f.body(call)
        case .undefined: throw TemplateOperators.undefinedFailure(callee, line: line)
        default: throw TemplateFailure(line, "'\(callee.typeName)' object is not callable")
        }
    }

    private func applyFilters(_ filters: [(String, TemplateArguments)], to value: TemplateValue, scope: TemplateScope, line: Int) throws -> TemplateValue {
        var v = value
        for (name, arguments) in filters {
            v = try applyFilter(name, v, try evaluateArguments(arguments, scope, line: line, callee: "filter \"\(name)\""), scope: scope)
        }
        return v
    }

    /// The filters that take another filter or a test by name; the rest are `TemplateFilters`.
    private func applyFilter(_ name: String, _ value: TemplateValue, _ call: TemplateCall, scope: TemplateScope) throws -> TemplateValue {
        switch name {
        case "map":
            let items = try TemplateFilters.items(value, call)
            if let attribute = call.keyword.first(where: { $0.0 == "attribute" })?.1 {
                let fallback = call.keyword.first { $0.0 == "default" }?.1
                return .iterator(try items.map { item in
                    let v = try TemplateFilters.lookup(item, attribute, call)
                    if v.isUndefined, let fallback { return fallback }
                    return v
                })
            }
            guard case .string(let filterName)? = call.positional.first else { throw call.failure("expects a filter name or attribute=") }
            let inner = TemplateCall(positional: Array(call.positional.dropFirst()), keyword: call.keyword, line: call.line,
                                     callee: "filter \"\(filterName)\"")
            return .iterator(try items.map { try applyFilter(filterName, $0, inner, scope: scope) })
        case "select", "reject", "selectattr", "rejectattr":
            let byAttribute = name.hasSuffix("attr")
            var positional = call.positional
            var attribute: TemplateValue?
            if byAttribute {
                guard !positional.isEmpty else { throw call.failure("expects an attribute name") }
                attribute = positional.removeFirst()
            }
            var testName: String?
            if !positional.isEmpty {
                guard case .string(let t) = positional.removeFirst() else { throw call.failure("expects a test name") }
                testName = t
            }
            let inner = TemplateCall(positional: positional, keyword: call.keyword, line: call.line, callee: "test \"\(testName ?? "")\"")
            let keep = !name.hasPrefix("reject")
            return .iterator(try TemplateFilters.items(value, call).filter { item in
                let subject = try attribute.map { try TemplateFilters.lookup(item, $0, call) } ?? item
                let passed = try testName.map { try TemplatePredicates.apply($0, subject, inner) } ?? subject.isTruthy
                return passed == keep
            })
        default:
            return try TemplateFilters.apply(name, value, call)
        }
    }
}
