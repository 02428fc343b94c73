import ActivationStore
import Foundation
import ModelFiles
import Tensors

/// Where training or test activations came from: what probe.json records about its input.
public struct ActivationSource: Sendable, Equatable {
    public var path: String
    public var sha256: String
    public var model: String
    public var modelSHA256: String
    public var positions: String
    public var dModel: Int
    public var hookNames: [String]

    public var trainingFile: TrainingFile { TrainingFile(path: path, sha256: sha256) }
}

/// Reads labelled activations for one hook out of an activations file (`ActivationFile`).
///
/// With positions "all" the file has one row per token and labels per prompt: every token row
/// takes its prompt's label, and its prompt's group (or the prompt index when the group is
/// empty), so that cross-validation never splits a prompt's tokens across folds.
public final class ActivationInput {
    public let file: ActivationFile
    public let source: ActivationSource
    private let labels: [Int32]
    private let groups: [String]

    public init(path: String) throws {
        file = try ActivationFile(path: path)
        source = ActivationSource(path: path, sha256: try SHA256.hex(ofFile: path), model: file.model,
                                  modelSHA256: file.modelSHA256, positions: file.positions, dModel: file.dModel,
                                  hookNames: file.hookNames)
        let promptLabels = try file.labels
        let promptGroups = try file.groups
        if file.metadata.rowsPerToken {
            var labels: [Int32] = []
            var groups: [String] = []
            for prompt in 0..<file.count {
                let tokens = try file.tokenRange(prompt: prompt).count
                let group = promptGroups[prompt].isEmpty ? "prompt \(prompt)" : promptGroups[prompt]
                labels.append(contentsOf: repeatElement(promptLabels[prompt], count: tokens))
                groups.append(contentsOf: repeatElement(group, count: tokens))
            }
            self.labels = labels
            self.groups = groups
        } else {
            labels = promptLabels
            groups = promptGroups
        }
    }

    /// The hook names a `--hook` argument selects: an exact hook name, or a per-block suffix
    /// such as `hook_resid_post` with a layer (`blocks.{layer}.hook_resid_post`) or, for a
    /// sweep (`layer` nil), every block hook in the file with that suffix, in file order.
    public func resolveHooks(_ requested: String, layer: Int?) throws -> [String] {
        let names = source.hookNames
        // `resid_post` is accepted for `hook_resid_post`, as `extract --hooks` accepts it.
        let hook = HookKind(rawValue: "hook_" + requested) != nil ? "hook_" + requested : requested
        if let layer {
            let name = hook.hasPrefix("blocks.") ? hook : "blocks.\(layer).\(hook)"
            guard names.contains(name) else { throw unknownHook(name) }
            return [name]
        }
        if names.contains(hook) { return [hook] }
        let matches = names.filter { $0.hasPrefix("blocks.") && $0.hasSuffix(".\(hook)") }
        guard !matches.isEmpty else { throw unknownHook(hook) }
        return matches
    }

    private func unknownHook(_ hook: String) -> ProbeError {
        ProbeError.hookMissing(source: source.path, hook: hook, available: source.hookNames)
    }

    /// Labelled activations at `hook` (rows (n, d_model)), named after the file in errors.
    public func activations(hook: String) throws -> LabeledActivations {
        guard source.hookNames.contains(hook) else { throw unknownHook(hook) }
        let rows = try file.rows(hook: hook)
        return try LabeledActivations(rows: rows, labels: labels, groups: groups, hook: hook, source: source.path)
    }
}
