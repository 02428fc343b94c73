import Probes
import Tensors
import Testing

@Suite("Every method recovers a planted direction")
struct PlantedDirectionTests {
    static let methods: [ProbeOptions] = [
        ProbeOptions(method: .meanDifference),
        // Strong regularisation: nearly separable classes otherwise let the weights chase noise.
        ProbeOptions(method: .logistic, C: 0.001),
        ProbeOptions(method: .logistic, standardize: true, C: 0.001, balancedClassWeight: true),
        ProbeOptions(method: .pca),
        ProbeOptions(method: .lda),
        ProbeOptions(method: .lda, standardize: true, shrinkage: 0.5),
    ]

    @Test(arguments: [64, 256])
    func recovers(dims: Int) throws {
        let planted = try PlantedData(rows: 8000, dims: dims, offset: 4, seed: UInt64(dims))
        for options in Self.methods {
            let probe = try ProbeTrainer.fit(planted.data, options: options)
            #expect(cosine(probe.direction, planted.direction) >= 0.99, "\(options.method.rawValue) d=\(dims)")
            // Positive class scores higher, and the probe's own threshold separates the classes.
            let evaluation = try probe.evaluate(on: planted.data)
            #expect(evaluation.auroc > 0.99, "\(options.method.rawValue)")
            #expect(evaluation.balancedAccuracy > 0.95, "\(options.method.rawValue)")
        }
    }

    @Test func pairedPCARecoversTheContrastDirection() throws {
        // Pairs share a large random base; the positive member adds `offset · u`.
        let dims = 128, pairs = 500
        var generator = SplitMix64(seed: 77)
        var u = (0..<dims).map { _ in generator.nextGaussian() }
        let norm = u.reduce(0) { $0 + $1 * $1 }.squareRoot()
        u = u.map { $0 / norm }
        var values: [Float] = []
        var labels: [Int32] = []
        var groups: [String] = []
        for p in 0..<pairs {
            let base = (0..<dims).map { _ in 3 * generator.nextGaussian() }
            for label in [Int32(1), 0] {
                for j in 0..<dims {
                    values.append(Float(base[j] + 0.1 * generator.nextGaussian() + (label == 1 ? 2 * u[j] : 0)))
                }
                labels.append(label)
                groups.append("pair-\(p)")
            }
        }
        let data = try LabeledActivations(rows: Tensor(shape: [2 * pairs, dims], storage: values),
                                          labels: labels, groups: groups)
        let differences = try PrincipalComponents.pairedDifferences(data)
        #expect(differences.shape == [pairs, dims])
        let components = try PrincipalComponents.fitPaired(data, k: 3)
        #expect(cosine(Array(components.components.row(0)), u) >= 0.99)
        #expect(components.explainedVarianceRatio[0] > 0.5)
        let probe = try ProbeTrainer.fit(data, options: ProbeOptions(method: .pairedPCA))
        #expect(cosine(probe.direction, u) >= 0.99)
        // Plain PCA would find the shared bases instead: the pairing is what makes it work.
        let plain = try PrincipalComponents.fit(data.rows, k: 1)
        #expect(abs(cosine(Array(plain.components.row(0)), u)) < 0.5)
    }
}
