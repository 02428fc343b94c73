import Foundation
import Probes
import Tensors

/// Golden files written by scripts/reference/probes/make_fixtures.py.
enum Fixtures {
    static let folder: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            let candidate = url.appendingPathComponent("Tests/Fixtures/probes")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            url = url.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: "Tests/Fixtures/probes")
    }()

    struct LogisticCase: Decodable {
        var C: Double
        var class_weight: String
        var standardize: Bool
        var coef: [Double]
        var intercept: Double
    }

    struct PCACase: Decodable {
        var k: Int
        var components: [[Double]]
        var explained_variance: [Double]
        var explained_variance_ratio: [Double]
        var mean: [Double]
    }

    struct LDACase: Decodable {
        var shrinkage: Double
        var weights: [Double]
    }

    struct Dataset: Decodable {
        var file: String
        var rows: Int
        var columns: Int
        var labels: [Int32]
        var logistic: [LogisticCase]
        var pca: PCACase
        var lda: LDACase
    }

    struct AUROCCase: Decodable {
        var scores: [Double]
        var labels: [Int32]
        var auroc: Double
        var roc_fpr: [Double]
        var roc_tpr: [Double]
        var roc_thresholds_after_first: [Double]
    }

    struct Golden: Decodable {
        var datasets: [String: Dataset]
        var auroc: [String: AUROCCase]
    }

    static func golden() throws -> Golden {
        let data = try Data(contentsOf: folder.appendingPathComponent("golden.json"))
        return try JSONDecoder().decode(Golden.self, from: data)
    }

    /// The dataset's matrix (stored as float64) as Float32 activations with its labels.
    static func activations(_ dataset: Dataset) throws -> LabeledActivations {
        let data = try Data(contentsOf: folder.appendingPathComponent(dataset.file))
        let values = data.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
        return try LabeledActivations(rows: Tensor(shape: [dataset.rows, dataset.columns], storage: values.map { Float($0) }),
                                      labels: dataset.labels, source: dataset.file)
    }
}

func cosine(_ a: [Double], _ b: [Double]) -> Double {
    let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
    let na = a.reduce(0) { $0 + $1 * $1 }.squareRoot()
    let nb = b.reduce(0) { $0 + $1 * $1 }.squareRoot()
    return dot / (na * nb)
}

func cosine(_ a: [Float], _ b: [Double]) -> Double { cosine(a.map { Double($0) }, b) }

/// Gaussian rows with the positive class shifted by `offset` along a random unit direction.
struct PlantedData {
    var data: LabeledActivations
    /// (d)
    var direction: [Double]

    init(rows: Int, dims: Int, offset: Double, seed: UInt64, hook: String? = nil) throws {
        var generator = SplitMix64(seed: seed)
        var direction = (0..<dims).map { _ in generator.nextGaussian() }
        let norm = direction.reduce(0) { $0 + $1 * $1 }.squareRoot()
        direction = direction.map { $0 / norm }
        var values = [Float](repeating: 0, count: rows * dims)
        var labels = [Int32](repeating: 0, count: rows)
        for i in 0..<rows {
            labels[i] = Int32(i % 2)
            for j in 0..<dims {
                values[i * dims + j] = Float(generator.nextGaussian() + (labels[i] == 1 ? offset * direction[j] : 0))
            }
        }
        self.direction = direction
        self.data = try LabeledActivations(rows: Tensor(shape: [rows, dims], storage: values), labels: labels,
                                           hook: hook, source: "planted")
    }
}
