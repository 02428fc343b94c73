import Foundation
import Testing
@testable import Reports

@Suite struct NotebookTests {
    @Test func serialisesAsNbformat4() throws {
        var nb = Notebook(title: "t")
        nb.markdown("# Title\n\nSome *text*.")
        nb.code("import h5py\nprint(1)", outputs: [.text("1\n"), .svg("<svg></svg>", plain: "chart")])
        let object = try #require(try JSONSerialization.jsonObject(with: nb.json()) as? [String: Any])
        #expect(object["nbformat"] as? Int == 4)
        #expect(object["nbformat_minor"] as? Int == 5)
        let cells = try #require(object["cells"] as? [[String: Any]])
        #expect(cells.count == 2)
        #expect(cells[0]["cell_type"] as? String == "markdown")
        #expect(cells[0]["source"] as? [String] == ["# Title\n", "\n", "Some *text*."])
        #expect(cells[1]["source"] as? [String] == ["import h5py\n", "print(1)"])
        let outputs = try #require(cells[1]["outputs"] as? [[String: Any]])
        #expect(outputs[0]["output_type"] as? String == "stream")
        #expect((outputs[1]["data"] as? [String: Any])?["image/svg+xml"] as? [String] == ["<svg></svg>"])
        #expect(Set(cells.compactMap { $0["id"] as? String }).count == 2)
        // Deterministic bytes.
        #expect(try nb.json() == nb.json())
    }

    @Test func htmlIsStandaloneAndRendersMarkdown() {
        var nb = Notebook(title: "Report <1>")
        nb.markdown("## Rates\n\n| condition | rate |\n|---|---|\n| baseline | **0.99** |\n\n- one\n- `two`")
        nb.code("x = 1", outputs: [.svg("<svg id=\"c\"></svg>", plain: "")])
        let html = nb.html()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<title>Report &lt;1&gt;</title>"))
        #expect(html.contains("<h2>Rates</h2>"))
        #expect(html.contains("<td><strong>0.99</strong></td>"))
        #expect(html.contains("<li><code>two</code></li>"))
        #expect(html.contains("<svg id=\"c\"></svg>"))
        #expect(!html.contains("<script"))
        // Standalone: no address outside the file. XML namespace names are identifiers, not links.
        let withoutNamespaces = html.replacing(#/xmlns(:[a-z]+)?="[^"]*"/#, with: "")
        #expect(!withoutNamespaces.contains("http://") && !withoutNamespaces.contains("https://"))
    }
}

@Suite struct SVGChartTests {
    @Test func lineChartHasEveryPoint() {
        let svg = SVGChart.lines(title: "AUROC by layer", xLabel: "layer", yLabel: "AUROC", series: [
            .init(name: "mean-diff", points: [(0, 0.5), (1, 0.8), (2, 0.99)]),
            .init(name: "logistic", points: [(0, 0.55), (1, 0.9), (2, 1.0)]),
        ], yRange: 0.4...1)
        #expect(svg.components(separatedBy: "class=\"point\"").count - 1 == 6)
        #expect(svg.components(separatedBy: "class=\"series\"").count - 1 == 2)
        #expect(svg.contains("mean-diff") && svg.contains("logistic"))
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
    }

    @Test func barsHaveIntervals() {
        let svg = SVGChart.bars(title: "rate", yLabel: "rate", bars: [
            .init(label: "baseline", group: "triggered", value: 0.99, lower: 0.95, upper: 1),
            .init(label: "ablate", group: "triggered", value: 0.05, lower: 0.01, upper: 0.12),
        ])
        #expect(svg.components(separatedBy: "class=\"bar\"").count - 1 == 2)
        #expect(svg.components(separatedBy: "class=\"interval\"").count - 1 == 2)
    }

    @Test func ticksAreRound() {
        let t = SVGChart.ticks(0, 1)
        #expect(t.count == 6)
        for (i, v) in t.enumerated() { #expect(abs(v - Double(i) * 0.2) < 1e-9) }
        let layers = SVGChart.ticks(0, 23)
        #expect(layers == [0, 5, 10, 15, 20])
    }
}

/// A pipe inside a table cell ("|AUROC|") is escaped in the Markdown and stays one cell in the HTML.
@Suite struct MarkdownTablePipeTests {
    @Test func pipeInACellStaysInItsCell() {
        let markdown = Markdown.table(["hook", "random |AUROC| median"], [["blocks.1", "0.987"]])
        #expect(markdown.hasPrefix("| hook | random \\|AUROC\\| median |\n"))
        let html = Markdown.html(markdown)
        #expect(html.components(separatedBy: "<th>").count - 1 == 2, "\(html)")
        #expect(html.contains("<th>random |AUROC| median</th>"), "\(html)")
        #expect(html.components(separatedBy: "<td>").count - 1 == 2, "\(html)")
    }
}
