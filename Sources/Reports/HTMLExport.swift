import Foundation

extension Notebook {
    /// The notebook as one standalone HTML page: markdown rendered, code shown, outputs (tables,
    /// SVG charts) inline; no scripts, no external resources.
    public func html() -> String {
        var body = ""
        for cell in cells {
            switch cell {
            case .markdown(let text):
                body += "<section class=\"markdown\">\n" + Markdown.html(text) + "</section>\n"
            case .code(let source, let outputs):
                body += "<details class=\"code\"><summary>code</summary><pre><code>\(SVGChart.escape(source))</code></pre></details>\n"
                for output in outputs {
                    switch output {
                    case .text(let t): body += "<pre class=\"output\">\(SVGChart.escape(t))</pre>\n"
                    case .html(let h, _): body += "<div class=\"output\">\(h)</div>\n"
                    case .svg(let svg, _): body += "<figure class=\"output\">\(svg)</figure>\n"
                    }
                }
            }
        }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>\(SVGChart.escape(title))</title>
            <style>
            body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; max-width: 960px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.5; }
            table { border-collapse: collapse; margin: 1em 0; font-size: 14px; }
            th, td { border: 1px solid #ccc; padding: 4px 10px; text-align: right; }
            th:first-child, td:first-child { text-align: left; }
            th { background: #f3f3f3; }
            pre { background: #f7f7f7; padding: 0.8em; overflow-x: auto; font-size: 13px; }
            code { font-family: Menlo, Consolas, monospace; }
            details.code summary { color: #777; cursor: pointer; font-size: 13px; }
            figure { margin: 1em 0; }
            </style>
            </head>
            <body>
            \(body)</body>
            </html>

            """
    }
}

/// The small subset of Markdown the reports write: headings, paragraphs, bullet lists, pipe
/// tables, `code`, **bold** and *italic*.
enum Markdown {
    static func inline(_ text: String) -> String {
        var s = SVGChart.escape(text)
        s = s.replacingOccurrences(of: #"`([^`]+)`"#, with: "<code>$1</code>", options: .regularExpression)
        s = s.replacingOccurrences(of: #"\*\*([^*]+)\*\*"#, with: "<strong>$1</strong>", options: .regularExpression)
        s = s.replacingOccurrences(of: #"(?<![*\w])\*([^*]+)\*(?![*\w])"#, with: "<em>$1</em>", options: .regularExpression)
        return s
    }

    static func html(_ markdown: String) -> String {
        var out = ""
        var paragraph: [String] = []
        var list: [String] = []
        var table: [[String]] = []
        func cells(_ line: String) -> [String] {
            var t = line.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("|") { t.removeFirst() }
            if t.hasSuffix("|") && !t.hasSuffix("\\|") { t.removeLast() }
            // Cells split at unescaped pipes; `\|` is a pipe inside a cell (e.g. "|AUROC|").
            var out: [String] = [], cell = ""
            var escaped = false
            for ch in t {
                if escaped { cell.append(ch == "|" ? "|" : "\\" + String(ch)); escaped = false; continue }
                if ch == "\\" { escaped = true; continue }
                if ch == "|" { out.append(cell); cell = ""; continue }
                cell.append(ch)
            }
            if escaped { cell.append("\\") }
            out.append(cell)
            return out.map { $0.trimmingCharacters(in: .whitespaces) }
        }
        func flush() {
            if !paragraph.isEmpty { out += "<p>" + inline(paragraph.joined(separator: " ")) + "</p>\n"; paragraph = [] }
            if !list.isEmpty { out += "<ul>\n" + list.map { "<li>" + inline($0) + "</li>\n" }.joined() + "</ul>\n"; list = [] }
            if !table.isEmpty {
                out += "<table>\n<thead><tr>" + table[0].map { "<th>" + inline($0) + "</th>" }.joined() + "</tr></thead>\n<tbody>\n"
                for row in table.dropFirst() { out += "<tr>" + row.map { "<td>" + inline($0) + "</td>" }.joined() + "</tr>\n" }
                out += "</tbody>\n</table>\n"
                table = []
            }
        }
        for raw in markdown.components(separatedBy: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { flush(); continue }
            if line.hasPrefix("|") {
                if !paragraph.isEmpty || !list.isEmpty { let t = table; table = []; flush(); table = t }
                let c = cells(line)
                if c.allSatisfy({ !$0.isEmpty && $0.allSatisfy { "-:".contains($0) } }) { continue }  // the |---| rule
                table.append(c)
                continue
            }
            if !table.isEmpty { flush() }
            if let level = line.firstIndex(where: { $0 != "#" }).map({ line.distance(from: line.startIndex, to: $0) }),
               level > 0, level <= 6, line.dropFirst(level).first == " " {
                flush()
                out += "<h\(level)>" + inline(String(line.dropFirst(level + 1))) + "</h\(level)>\n"
            } else if line.hasPrefix("- ") || line.hasPrefix("* ") {
                if !paragraph.isEmpty { let l = list; list = []; flush(); list = l }
                list.append(String(line.dropFirst(2)))
            } else {
                if !list.isEmpty { flush() }
                paragraph.append(line)
            }
        }
        flush()
        return out
    }

    /// A pipe table from a header and rows.
    public static func table(_ header: [String], _ rows: [[String]]) -> String {
        // A pipe inside a cell would start a new column: escaped, as GitHub and Jupyter read it.
        func row(_ cells: [String]) -> String {
            "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n"
        }
        var s = row(header)
        s += "|" + header.map { _ in "---" }.joined(separator: "|") + "|\n"
        for r in rows { s += row(r) }
        return s
    }
}

/// Pipe tables for notebooks and terminal output.
public enum MarkdownTable {
    public static func render(header: [String], rows: [[String]]) -> String { Markdown.table(header, rows) }
}
