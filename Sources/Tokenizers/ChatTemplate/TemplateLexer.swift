import Foundation

/// One token of a template, with the source line it starts on.
struct TemplateToken: Equatable {
    enum Kind: Equatable {
        case text(String)
        case variableBegin, variableEnd, blockBegin, blockEnd
        case name(String)
        case string(String)
        case integer(Int)
        case float(Double)
        case op(String)
        case end
    }

    let kind: Kind
    let line: Int
}

/// Splits a template into text and tag tokens as Jinja2's lexer does with `trim_blocks` and
/// `lstrip_blocks` on (transformers' settings): `{%-`/`-%}` strip all whitespace on that side,
/// a block or comment tag alone on its line loses the indentation before it, the newline right
/// after `%}` or `#}` is dropped, and one trailing newline of the template is dropped.
struct TemplateLexer {
    private let source: [Unicode.Scalar]
    private var position = 0
    private var line = 1
    /// Whether the last tag ended a line (Jinja2's `line_starting`): lstrip then applies to
    /// text that has no newline of its own.
    private var lineStarting = true
    private var tokens: [TemplateToken] = []

    init(_ text: String) {
        // Jinja2 turns \r\n and \r into \n, then drops one trailing newline (keep_trailing_newline=False).
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.unicodeScalars.count)
        var previousCR = false
        for s in text.unicodeScalars {
            if s == "\r" {
                scalars.append("\n")
                previousCR = true
                continue
            }
            if s == "\n" && previousCR {
                previousCR = false
                continue
            }
            previousCR = false
            scalars.append(s)
        }
        if scalars.last == "\n" { scalars.removeLast() }
        source = scalars
    }

    static func tokenize(_ text: String) throws -> [TemplateToken] {
        var lexer = TemplateLexer(text)
        try lexer.run()
        return lexer.tokens
    }

    private func at(_ i: Int) -> Unicode.Scalar? { i < source.count ? source[i] : nil }

    private mutating func run() throws {
        while position < source.count {
            guard let start = nextTagStart() else {
                emitText(position..<source.count)
                position = source.count
                break
            }
            let kind = source[start + 1]
            var afterBegin = start + 2
            var sign: Unicode.Scalar? = nil
            if let s = at(afterBegin), s == "-" || s == "+" {
                sign = s
                afterBegin += 1
            }
            var textEnd = start
            if sign == "-" {
                while textEnd > position && isPythonWhitespace(source[textEnd - 1]) { textEnd -= 1 }
            } else if sign == nil && kind != "{" {
                // lstrip_blocks: strip the whitespace between the line start and a block/comment tag.
                var lineStart = textEnd
                while lineStart > position && source[lineStart - 1] != "\n" { lineStart -= 1 }
                let hasNewline = lineStart > position
                if (hasNewline || lineStarting) && lineStart < textEnd
                    && source[lineStart..<textEnd].allSatisfy(isPythonWhitespace)
                {
                    textEnd = lineStart
                }
            }
            emitText(position..<textEnd)
            line += newlines(textEnd..<start)
            position = afterBegin
            switch kind {
            case "#": try lexComment()
            case "%":
                tokens.append(TemplateToken(kind: .blockBegin, line: line))
                if case .name("raw")? = peekName() { throw TemplateFailure(line, "unsupported tag \"raw\"") }
                try lexTag(block: true)
            default:
                tokens.append(TemplateToken(kind: .variableBegin, line: line))
                try lexTag(block: false)
            }
        }
        tokens.append(TemplateToken(kind: .end, line: line))
    }

    private func nextTagStart() -> Int? {
        var i = position
        while i + 1 < source.count {
            if source[i] == "{", source[i + 1] == "{" || source[i + 1] == "%" || source[i + 1] == "#" { return i }
            i += 1
        }
        return nil
    }

    private mutating func emitText(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: source[range])
        tokens.append(TemplateToken(kind: .text(String(text)), line: line))
        line += newlines(range)
    }

    private func newlines(_ range: Range<Int>) -> Int {
        source[range].reduce(0) { $0 + ($1 == "\n" ? 1 : 0) }
    }

    private func peekName() -> TemplateToken.Kind? {
        var i = position
        while let s = at(i), isPythonWhitespace(s) { i += 1 }
        var name = ""
        while let s = at(i), isNameContinue(s) { name.unicodeScalars.append(s); i += 1 }
        return name.isEmpty ? nil : .name(name)
    }

    private mutating func lexComment() throws {
        let startLine = line
        var i = position
        while i + 1 < source.count {
            if source[i] == "#" && source[i + 1] == "}" {
                var end = i + 2
                if i > position && source[i - 1] == "-" {
                    while let s = at(end), isPythonWhitespace(s) { end += 1 }
                } else if !(i > position && source[i - 1] == "+") && at(end) == "\n" {
                    end += 1
                }
                line += newlines(position..<end)
                lineStarting = source[end - 1] == "\n"
                position = end
                return
            }
            i += 1
        }
        throw TemplateFailure(startLine, "missing end of comment tag")
    }

    /// Lexes the inside of `{% … %}` or `{{ … }}` up to and including its end marker.
    private mutating func lexTag(block: Bool) throws {
        var brackets: [Unicode.Scalar] = []
        let close: Unicode.Scalar = block ? "%" : "}"
        while true {
            while let s = at(position), isPythonWhitespace(s) {
                if s == "\n" { line += 1 }
                position += 1
            }
            guard let c = at(position) else {
                throw TemplateFailure(line, block ? "missing end of block tag \"%}\"" : "missing end of variable tag \"}}\"")
            }
            if brackets.isEmpty, let end = endMarker(close: close, block: block) {
                line += newlines(position..<end)
                lineStarting = source[end - 1] == "\n"
                position = end
                tokens.append(TemplateToken(kind: block ? .blockEnd : .variableEnd, line: line))
                return
            }
            if c == "'" || c == "\"" {
                tokens.append(TemplateToken(kind: .string(try lexString(quote: c)), line: line))
            } else if c.properties.numericType != nil && c.isASCII {
                tokens.append(try lexNumber())
            } else if isNameStart(c) {
                var name = ""
                while let s = at(position), isNameContinue(s) { name.unicodeScalars.append(s); position += 1 }
                tokens.append(TemplateToken(kind: .name(name), line: line))
            } else {
                let op = lexOperator()
                guard !op.isEmpty else { throw TemplateFailure(line, "unexpected character \"\(c)\"") }
                switch op {
                case "(": brackets.append(")")
                case "[": brackets.append("]")
                case "{": brackets.append("}")
                case ")", "]", "}":
                    guard let expected = brackets.popLast() else { throw TemplateFailure(line, "unexpected \"\(op)\"") }
                    guard String(expected) == op else { throw TemplateFailure(line, "unexpected \"\(op)\", expected \"\(expected)\"") }
                default: break
                }
                tokens.append(TemplateToken(kind: .op(op), line: line))
            }
        }
    }

    /// The position after the tag's end marker (and the whitespace it strips), if one starts here.
    private func endMarker(close: Unicode.Scalar, block: Bool) -> Int? {
        var i = position
        var sign: Unicode.Scalar? = nil
        if let s = at(i), s == "-" || (s == "+" && block) {
            sign = s
            i += 1
        }
        guard at(i) == close, at(i + 1) == "}" else { return nil }
        var end = i + 2
        if sign == "-" {
            while let s = at(end), isPythonWhitespace(s) { end += 1 }
        } else if block && sign == nil && at(end) == "\n" {
            end += 1  // trim_blocks
        }
        return end
    }

    private mutating func lexString(quote: Unicode.Scalar) throws -> String {
        let startLine = line
        var i = position + 1
        var raw: [Unicode.Scalar] = []
        while true {
            guard let s = at(i) else { throw TemplateFailure(startLine, "unterminated string") }
            if s == quote { break }
            if s == "\\" {
                guard let next = at(i + 1) else { throw TemplateFailure(startLine, "unterminated string") }
                raw.append(s)
                raw.append(next)
                i += 2
                continue
            }
            raw.append(s)
            i += 1
        }
        line += newlines(position..<i)
        position = i + 1
        return try unescapePython(raw, line: startLine)
    }

    /// Python's `unicode-escape` decoding, which Jinja2 applies to string literals.
    private func unescapePython(_ raw: [Unicode.Scalar], line: Int) throws -> String {
        var out = String.UnicodeScalarView()
        var i = 0
        func hex(_ count: Int) throws -> Unicode.Scalar {
            guard i + 1 + count <= raw.count else { throw TemplateFailure(line, "truncated escape in string") }
            let digits = String(String.UnicodeScalarView(raw[(i + 1)...(i + count)]))
            guard let value = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(value) else {
                throw TemplateFailure(line, "bad escape \"\\\(raw[i])\(digits)\" in string")
            }
            i += count
            return scalar
        }
        while i < raw.count {
            let s = raw[i]
            guard s == "\\", i + 1 < raw.count else { out.append(s); i += 1; continue }
            i += 1
            let e = raw[i]
            switch e {
            case "\\": out.append("\\")
            case "'": out.append("'")
            case "\"": out.append("\"")
            case "a": out.append("\u{07}")
            case "b": out.append("\u{08}")
            case "f": out.append("\u{0C}")
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "t": out.append("\t")
            case "v": out.append("\u{0B}")
            case "\n": break
            case "x": out.append(try hex(2))
            case "u": out.append(try hex(4))
            case "U": out.append(try hex(8))
            case "0"..."7":
                var value = UInt32(e.value - 48)
                var n = 1
                while n < 3, i + 1 < raw.count, ("0"..."7").contains(raw[i + 1]) {
                    i += 1
                    n += 1
                    value = value * 8 + (raw[i].value - 48)
                }
                out.append(Unicode.Scalar(value) ?? "\u{FFFD}")
            case "N": throw TemplateFailure(line, "unsupported \\N{…} escape in string")
            default:
                // Python keeps unknown escapes as written.
                out.append("\\")
                out.append(e)
            }
            i += 1
        }
        return String(out)
    }

    private mutating func lexNumber() throws -> TemplateToken {
        let startLine = line
        var text = ""
        func digits() {
            while let s = at(position), ("0"..."9").contains(s) || s == "_" {
                if s != "_" { text.unicodeScalars.append(s) }
                position += 1
            }
        }
        digits()
        var isFloat = false
        if at(position) == ".", let next = at(position + 1), ("0"..."9").contains(next) {
            isFloat = true
            text += "."
            position += 1
            digits()
        }
        if let e = at(position), e == "e" || e == "E" {
            var j = position + 1
            if let sign = at(j), sign == "+" || sign == "-" { j += 1 }
            if let d = at(j), ("0"..."9").contains(d) {
                isFloat = true
                text += "e"
                if let sign = at(position + 1), sign == "+" || sign == "-" { text.unicodeScalars.append(sign) }
                position = j
                digits()
            }
        }
        if isFloat {
            guard let v = Double(text) else { throw TemplateFailure(startLine, "bad number \"\(text)\"") }
            return TemplateToken(kind: .float(v), line: startLine)
        }
        guard let v = Int(text) else { throw TemplateFailure(startLine, "integer \"\(text)\" is too large") }
        return TemplateToken(kind: .integer(v), line: startLine)
    }

    private mutating func lexOperator() -> String {
        let two = ["//", "**", "==", "!=", ">=", "<="]
        if let a = at(position), let b = at(position + 1) {
            let pair = String(a) + String(b)
            if two.contains(pair) {
                position += 2
                return pair
            }
        }
        guard let c = at(position), "+-/*%~[](){}><=.:|,;".unicodeScalars.contains(c) else { return "" }
        position += 1
        return String(c)
    }
}

func isNameStart(_ s: Unicode.Scalar) -> Bool {
    s == "_" || s.properties.isXIDStart
}

func isNameContinue(_ s: Unicode.Scalar) -> Bool {
    s == "_" || s.properties.isXIDContinue
}

/// Python's `str.isspace`, which `str.strip()` and the regex `\s` use: Unicode White_Space plus
/// the four ASCII information separators.
func isPythonWhitespace(_ s: Unicode.Scalar) -> Bool {
    s.properties.isWhitespace || (0x1C...0x1F).contains(s.value)
}
