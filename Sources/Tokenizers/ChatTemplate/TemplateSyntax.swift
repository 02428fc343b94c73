/// An expression of the template language, with the line it starts on.
indirect enum TemplateExpression {
    case literal(TemplateValue, line: Int)
    case name(String, line: Int)
    case list([TemplateExpression], line: Int)
    case tuple([TemplateExpression], line: Int)
    case dict([(TemplateExpression, TemplateExpression)], line: Int)
    case attribute(TemplateExpression, String, line: Int)
    case item(TemplateExpression, TemplateExpression, line: Int)
    case slice(TemplateExpression, start: TemplateExpression?, stop: TemplateExpression?, step: TemplateExpression?, line: Int)
    case call(TemplateExpression, TemplateArguments, line: Int)
    case filter(TemplateExpression, name: String, TemplateArguments, line: Int)
    case test(TemplateExpression, name: String, TemplateArguments, negated: Bool, line: Int)
    case unary(String, TemplateExpression, line: Int)
    case binary(String, TemplateExpression, TemplateExpression, line: Int)
    case and(TemplateExpression, TemplateExpression, line: Int)
    case or(TemplateExpression, TemplateExpression, line: Int)
    case conditional(condition: TemplateExpression, then: TemplateExpression, otherwise: TemplateExpression?, line: Int)

    var line: Int {
        switch self {
        case .literal(_, let l), .name(_, let l), .list(_, let l), .tuple(_, let l), .dict(_, let l),
             .attribute(_, _, let l), .item(_, _, let l), .slice(_, _, _, _, let l), .call(_, _, let l),
             .filter(_, _, _, let l), .test(_, _, _, _, let l), .unary(_, _, let l), .binary(_, _, _, let l),
             .and(_, _, let l), .or(_, _, let l), .conditional(_, _, _, let l):
            return l
        }
    }
}

/// The arguments of a call, filter or test: positional first, then `name=value`.
struct TemplateArguments {
    var positional: [TemplateExpression] = []
    var keyword: [(String, TemplateExpression)] = []
}

/// Where `for` and `set` store values: a name, `ns.attr`, or a tuple of names to unpack into.
enum TemplateTarget {
    case name(String)
    case attribute(String, String)
    case tuple([String])
}

/// A macro's parameter with its default value, if it has one.
struct TemplateParameter {
    let name: String
    let defaultValue: TemplateExpression?
}

/// A statement of the template language, with the line it starts on.
indirect enum TemplateNode {
    case text(String)
    case output(TemplateExpression)
    case `if`([(condition: TemplateExpression, body: [TemplateNode])], otherwise: [TemplateNode], line: Int)
    case `for`(target: TemplateTarget, iterable: TemplateExpression, filter: TemplateExpression?,
               body: [TemplateNode], otherwise: [TemplateNode], line: Int)
    case set(TemplateTarget, TemplateExpression, line: Int)
    case setBlock(String, body: [TemplateNode], filters: [(String, TemplateArguments)], line: Int)
    case macro(name: String, parameters: [TemplateParameter], body: [TemplateNode], line: Int)
    case callBlock(call: TemplateExpression, parameters: [TemplateParameter], body: [TemplateNode], line: Int)
    case filterBlock(filters: [(String, TemplateArguments)], body: [TemplateNode], line: Int)
    case `break`(line: Int)
    case `continue`(line: Int)
}
