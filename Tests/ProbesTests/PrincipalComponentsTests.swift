@testable import Probes
import Tensors
import Testing

@Suite("PCA matches scikit-learn; LDA matches the numpy reference")
struct PrincipalComponentsTests {
    @Test(arguments: ["balanced", "imbalanced", "wide"])
    func componentsAndVarianceMatch(name: String) throws {
        let dataset = try #require(try Fixtures.golden().datasets[name])
        let data = try Fixtures.activations(dataset)
        let reference = dataset.pca
        let result = try PrincipalComponents.fit(data.rows, k: reference.k)
        #expect(result.route == (dataset.columns <= dataset.rows ? "covariance" : "gram"))
        for c in 0..<reference.k {
            let component = Array(result.components.row(c))
            #expect(abs(cosine(component, reference.components[c])) >= 0.9999, "component \(c)")
            let ev = reference.explained_variance[c]
            #expect(abs(result.explainedVariance[c] - ev) <= 1e-5 * ev, "variance \(c)")
            let ratio = reference.explained_variance_ratio[c]
            #expect(abs(result.explainedVarianceRatio[c] - ratio) <= 1e-5 * ratio, "ratio \(c)")
        }
        for (a, b) in zip(result.mean, reference.mean) { #expect(abs(a - b) <= 1e-5 * max(1, abs(b))) }
    }

    @Test(arguments: ["balanced", "wide"])
    func bothRoutesAgree(name: String) throws {
        let dataset = try #require(try Fixtures.golden().datasets[name])
        let data = try Fixtures.activations(dataset)
        let covariance = try PrincipalComponents.fit(data.rows, k: 3, labels: data.labels, route: .covariance)
        let gram = try PrincipalComponents.fit(data.rows, k: 3, labels: data.labels, route: .gram)
        #expect(covariance.route == "covariance" && gram.route == "gram")
        for c in 0..<3 {
            #expect(cosine(Array(covariance.components.row(c)), Array(gram.components.row(c)).map { Double($0) }) >= 0.9999)
            #expect(abs(covariance.explainedVariance[c] - gram.explainedVariance[c]) <= 1e-6 * gram.explainedVariance[c])
        }
    }

    @Test func labelsOrientTheSigns() throws {
        let planted = try PlantedData(rows: 400, dims: 16, offset: 6, seed: 3)
        let result = try PrincipalComponents.fit(planted.data.rows, k: 1, labels: planted.data.labels)
        #expect(cosine(Array(result.components.row(0)), planted.direction) > 0.9)
    }

    @Test(arguments: ["balanced", "imbalanced", "wide"])
    func ledoitWolfLDAMatches(name: String) throws {
        let dataset = try #require(try Fixtures.golden().datasets[name])
        let data = try Fixtures.activations(dataset)
        let (weights, _, shrinkage) = try FisherLDA.fit(data, shrinkage: nil)
        #expect(abs(shrinkage - dataset.lda.shrinkage) <= 1e-6)
        #expect(cosine(weights, dataset.lda.weights) >= 0.9999)
    }

    @Test func fullShrinkageLDAIsTheMeanDifference() throws {
        let planted = try PlantedData(rows: 200, dims: 12, offset: 1, seed: 9)
        let lda = try ProbeTrainer.fit(planted.data, options: ProbeOptions(method: .lda, shrinkage: 1))
        let meanDiff = try ProbeTrainer.fit(planted.data, options: ProbeOptions(method: .meanDifference))
        #expect(cosine(lda.direction, meanDiff.direction.map { Double($0) }) >= 0.999999)
    }

    @Test func rejectsBadK() throws {
        let planted = try PlantedData(rows: 10, dims: 4, offset: 1, seed: 1)
        #expect(throws: ProbeError.self) { try PrincipalComponents.fit(planted.data.rows, k: 0) }
        #expect(throws: ProbeError.self) { try PrincipalComponents.fit(planted.data.rows, k: 5) }
        let few = Tensor(shape: [3, 8], storage: (0..<24).map { Float($0 % 5) })
        #expect(throws: ProbeError.tooFewRows(source: "activations", needed: 4, got: 3, reason: "PCA with k = 4")) {
            try PrincipalComponents.fit(few, k: 4)
        }
    }
}
