import Probes
import Testing

@Suite("Logistic regression matches scikit-learn")
struct LogisticParityTests {
    @Test(arguments: ["balanced", "imbalanced", "wide"])
    func coefficientsMatch(name: String) throws {
        let golden = try Fixtures.golden()
        let dataset = try #require(golden.datasets[name])
        let data = try Fixtures.activations(dataset)
        #expect(dataset.logistic.count == 8)
        for reference in dataset.logistic {
            let model = LogisticRegression(C: reference.C, balancedClassWeight: reference.class_weight == "balanced",
                                           standardize: reference.standardize, tolerance: 1e-8, storage: .double)
            let fit = try model.fit(data)
            let label = "\(name) C=\(reference.C) \(reference.class_weight) standardize=\(reference.standardize)"
            #expect(fit.converged, "\(label)")
            #expect(cosine(fit.coefficients, reference.coef) >= 0.9999, "\(label)")
            #expect(abs(fit.intercept - reference.intercept) <= 1e-3 * max(1, abs(reference.intercept)), "\(label)")
        }
    }

    /// Default tolerance (sklearn's 1e-4) and Float32 storage still land on the exact optimum.
    @Test(arguments: ["balanced", "imbalanced", "wide"])
    func defaultsMatch(name: String) throws {
        let dataset = try #require(try Fixtures.golden().datasets[name])
        let data = try Fixtures.activations(dataset)
        for reference in dataset.logistic {
            let model = LogisticRegression(C: reference.C, balancedClassWeight: reference.class_weight == "balanced",
                                           standardize: reference.standardize)
            let fit = try model.fit(data)
            let label = "\(name) C=\(reference.C) \(reference.class_weight) standardize=\(reference.standardize)"
            #expect(fit.converged, "\(label)")
            #expect(cosine(fit.coefficients, reference.coef) >= 0.9999, "\(label)")
            #expect(abs(fit.intercept - reference.intercept) <= 1e-2 * max(1, abs(reference.intercept)), "\(label)")
        }
    }

    @Test func probeScoresAreTheDecisionFunctionInActivationSpace() throws {
        // With standardisation folded in, logitScale · score(x) must equal w·z(x) + b.
        let golden = try Fixtures.golden()
        let dataset = try #require(golden.datasets["balanced"])
        let data = try Fixtures.activations(dataset)
        let options = ProbeOptions(method: .logistic, standardize: true, C: 1, tolerance: 1e-8)
        let probe = try ProbeTrainer.fit(data, options: options)
        let fit = try LogisticRegression(C: 1, standardize: true, tolerance: 1e-8).fit(data)
        let scale = try #require(probe.logitScale)
        let scores = try probe.scores(data)
        let s = try #require(fit.standardization)
        for i in [0, 17, 299] {
            var logit = fit.intercept
            for j in 0..<data.dModel { logit += fit.coefficients[j] * (Double(data.rows[i, j]) - s.mean[j]) / s.scale[j] }
            #expect(abs(scale * scores[i] - logit) <= 1e-3 * max(1, abs(logit)))
        }
        #expect(probe.threshold == 0)
    }
}
