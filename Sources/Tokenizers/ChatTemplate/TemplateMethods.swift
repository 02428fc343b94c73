/// The Python methods templates call on values (`content.strip()`, `message.get('x')`,
/// `d.items()`), bound to their receiver. Methods that would modify a value are refused, as
/// Jinja2's immutable sandbox refuses them.
enum TemplateMethods {
    private static let mutating: Set<String> = [
        "append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse", "update", "setdefault", "popitem",
    ]

    static func method(_ receiver: TemplateValue, _ name: String, line: Int) -> TemplateValue? {
        let body: ((TemplateCall) throws -> TemplateValue)?
        switch receiver {
        case .string(let s): body = stringMethod(s, name)
        case .dict(let d): body = dictMethod(d, name)
        case .list(let items), .tuple(let items): body = listMethod(items, name)
        default: body = nil
        }
        if let body { return .function(TemplateFunction(name, body)) }
        if mutating.contains(name), case .list = receiver {
            return .undefined("access to attribute '\(name)' of 'list' object is unsafe")
        }
        if mutating.contains(name), case .dict = receiver {
            return .undefined("access to attribute '\(name)' of 'dict' object is unsafe")
        }
        return nil
    }

    private static func dictMethod(_ d: TemplateDict, _ name: String) -> ((TemplateCall) throws -> TemplateValue)? {
        switch name {
        case "items": return { call in try call.expect([]); return .list(d.pairs.map { .tuple([$0.key, $0.value]) }) }
        case "keys": return { call in try call.expect([]); return .list(d.pairs.map(\.key)) }
        case "values": return { call in try call.expect([]); return .list(d.pairs.map(\.value)) }
        case "get":
            return { call in
                try call.expect(["key", "default"])
                guard let key = call.argument(0, "key") else { throw call.failure("missing argument \"key\"") }
                return d[key] ?? call.argument(1, "default") ?? .none
            }
        case "copy": return { call in try call.expect([]); return .dict(d) }
        default: return nil
        }
    }

    private static func listMethod(_ items: [TemplateValue], _ name: String) -> ((TemplateCall) throws -> TemplateValue)? {
        switch name {
        case "count":
            return { call in
                try call.expect(["value"])
                guard let v = call.argument(0, "value") else { throw call.failure("missing argument") }
                return .int(items.filter { $0.pythonEquals(v) }.count)
            }
        case "index":
            return { call in
                try call.expect(["value"])
                guard let v = call.argument(0, "value"), let i = items.firstIndex(where: { $0.pythonEquals(v) }) else {
                    throw call.failure("value is not in list")
                }
                return .int(i)
            }
        case "copy": return { call in try call.expect([]); return .list(items) }
        default: return nil
        }
    }

    private static func stringMethod(_ s: String, _ name: String) -> ((TemplateCall) throws -> TemplateValue)? {
        switch name {
        case "strip", "lstrip", "rstrip":
            return { call in
                try call.expect(["chars"])
                return .string(pythonStrip(s, chars: try call.string(0, "chars"), leading: name != "rstrip", trailing: name != "lstrip"))
            }
        case "upper": return { call in try call.expect([]); return .string(s.uppercased()) }
        case "lower": return { call in try call.expect([]); return .string(s.lowercased()) }
        case "title": return { call in try call.expect([]); return .string(pythonTitle(s)) }
        case "capitalize": return { call in try call.expect([]); return .string(pythonCapitalize(s)) }
        case "startswith", "endswith":
            return { call in
                try call.expect(["prefix"])
                guard let arg = call.argument(0, "prefix") else { throw call.failure("missing argument") }
                let candidates: [TemplateValue]
                if case .tuple(let items) = arg { candidates = items } else { candidates = [arg] }
                let scalars = Array(s.unicodeScalars)
                for candidate in candidates {
                    guard case .string(let p) = candidate else { throw call.failure("argument must be str or a tuple of str") }
                    let ps = Array(p.unicodeScalars)
                    let hit = name == "startswith" ? scalars.starts(with: ps) : scalars.reversed().starts(with: ps.reversed())
                    if hit { return .bool(true) }
                }
                return .bool(false)
            }
        case "split", "rsplit":
            return { call in
                try call.expect(["sep", "maxsplit"])
                let parts = try pythonSplit(s, separator: try call.string(0, "sep"), maxSplit: try call.int(1, "maxsplit") ?? -1,
                                            fromEnd: name == "rsplit", line: call.line)
                return .list(parts.map { .string($0) })
            }
        case "replace":
            return { call in
                try call.expect(["old", "new", "count"])
                guard let old = try call.string(0, "old"), let new = try call.string(1, "new") else {
                    throw call.failure("expects two strings")
                }
                return .string(pythonReplace(s, old, new, count: try call.int(2, "count") ?? -1))
            }
        case "find":
            return { call in
                try call.expect(["sub"])
                guard let sub = try call.string(0, "sub") else { throw call.failure("expects a string") }
                return .int(scalarRange(of: sub, in: s, from: 0) ?? -1)
            }
        case "count":
            return { call in
                try call.expect(["sub"])
                guard let sub = try call.string(0, "sub") else { throw call.failure("expects a string") }
                return .int(pythonCount(s, sub))
            }
        case "join":
            return { call in
                try call.expect(["iterable"])
                guard let items = try call.argument(0, "iterable")?.iterated(line: call.line) else { throw call.failure("missing argument") }
                return .string(try items.map { item -> String in
                    guard case .string(let t) = item else { throw call.failure("sequence item: expected str instance, \(item.typeName) found") }
                    return t
                }.joined(separator: s))
            }
        case "isdigit":
            return { call in
                try call.expect([])
                return .bool(!s.isEmpty && s.unicodeScalars.allSatisfy { $0.properties.numericType == .decimal || $0.properties.numericType == .digit })
            }
        case "isspace":
            return { call in try call.expect([]); return .bool(!s.isEmpty && s.unicodeScalars.allSatisfy(isPythonWhitespace)) }
        default: return nil
        }
    }
}

/// Python's `str.strip(chars)`: Unicode whitespace by default.
func pythonStrip(_ s: String, chars: String?, leading: Bool = true, trailing: Bool = true) -> String {
    let set = chars.map { Set($0.unicodeScalars) }
    let strip: (Unicode.Scalar) -> Bool = { c in set.map { $0.contains(c) } ?? isPythonWhitespace(c) }
    var scalars = Array(s.unicodeScalars)[...]
    if leading { while let first = scalars.first, strip(first) { scalars.removeFirst() } }
    if trailing { while let last = scalars.last, strip(last) { scalars.removeLast() } }
    return String(String.UnicodeScalarView(scalars))
}

/// Python's `str.split(sep, maxsplit)` and `rsplit`: runs of whitespace without a separator.
func pythonSplit(_ s: String, separator: String?, maxSplit: Int, fromEnd: Bool, line: Int) throws -> [String] {
    var scalars = Array(s.unicodeScalars)
    if fromEnd { scalars.reverse() }
    var parts: [[Unicode.Scalar]] = []
    if let separator {
        var sep = Array(separator.unicodeScalars)
        guard !sep.isEmpty else { throw TemplateFailure(line, "split: empty separator") }
        if fromEnd { sep.reverse() }
        var current: [Unicode.Scalar] = []
        var i = 0
        while i < scalars.count {
            if (maxSplit < 0 || parts.count < maxSplit), i + sep.count <= scalars.count, scalars[i..<(i + sep.count)].elementsEqual(sep) {
                parts.append(current)
                current = []
                i += sep.count
            } else {
                current.append(scalars[i])
                i += 1
            }
        }
        parts.append(current)
    } else {
        var i = 0
        while i < scalars.count {
            while i < scalars.count && isPythonWhitespace(scalars[i]) { i += 1 }
            guard i < scalars.count else { break }
            if maxSplit >= 0 && parts.count == maxSplit {
                var rest = Array(scalars[i...])
                while let last = rest.last, isPythonWhitespace(last) { rest.removeLast() }
                parts.append(rest)
                break
            }
            var word: [Unicode.Scalar] = []
            while i < scalars.count && !isPythonWhitespace(scalars[i]) { word.append(scalars[i]); i += 1 }
            parts.append(word)
        }
    }
    if fromEnd { parts = parts.reversed().map { $0.reversed() } }
    return parts.map { String(String.UnicodeScalarView($0)) }
}

/// Python's `str.replace(old, new, count)`.
func pythonReplace(_ s: String, _ old: String, _ new: String, count: Int) -> String {
    let scalars = Array(s.unicodeScalars)
    let o = Array(old.unicodeScalars)
    var out = String.UnicodeScalarView()
    var done = 0
    if o.isEmpty {
        // Python inserts `new` before every character and at the end.
        for c in scalars {
            if count < 0 || done < count { out.append(contentsOf: new.unicodeScalars); done += 1 }
            out.append(c)
        }
        if count < 0 || done < count { out.append(contentsOf: new.unicodeScalars) }
        return String(out)
    }
    var i = 0
    while i < scalars.count {
        if (count < 0 || done < count), i + o.count <= scalars.count, scalars[i..<(i + o.count)].elementsEqual(o) {
            out.append(contentsOf: new.unicodeScalars)
            i += o.count
            done += 1
        } else {
            out.append(scalars[i])
            i += 1
        }
    }
    return String(out)
}

/// Python's `str.count(sub)`: non-overlapping occurrences.
func pythonCount(_ s: String, _ sub: String) -> Int {
    let scalars = Array(s.unicodeScalars)
    let n = Array(sub.unicodeScalars)
    if n.isEmpty { return scalars.count + 1 }
    var count = 0
    var i = 0
    while i + n.count <= scalars.count {
        if scalars[i..<(i + n.count)].elementsEqual(n) { count += 1; i += n.count } else { i += 1 }
    }
    return count
}

/// Python's `str.title()`: a cased character after an uncased one starts a word.
func pythonTitle(_ s: String) -> String {
    var out = ""
    var previousCased = false
    for c in s.unicodeScalars {
        out += previousCased ? c.properties.lowercaseMapping : c.properties.titlecaseMapping
        previousCased = c.properties.isCased
    }
    return out
}

/// Python's `str.capitalize()`: the first character title-cased, the rest lower-cased.
func pythonCapitalize(_ s: String) -> String {
    var out = ""
    for (i, c) in s.unicodeScalars.enumerated() {
        out += i == 0 ? c.properties.titlecaseMapping : c.properties.lowercaseMapping
    }
    return out
}
