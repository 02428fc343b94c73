import Foundation
import Probes
import Tensors
import Testing

@Suite("Bad input gives one-line typed errors")
struct ErrorTests {
    func rows(_ n: Int, _ d: Int) -> Tensor { Tensor(shape: [n, d], storage: (0..<(n * d)).map { Float($0 % 7) }) }

    @Test func nonFiniteRowIsNamed() {
        var t = rows(5, 3)
        t[3, 1] = .nan
        #expect(throws: ProbeError.nonFinite(source: "acts.h5", row: 3, column: 1)) {
            try LabeledActivations(rows: t, labels: [0, 1, 0, 1, 0], source: "acts.h5")
        }
        t[3, 1] = 0
        t[4, 2] = -.infinity
        #expect(throws: ProbeError.nonFinite(source: "acts.h5", row: 4, column: 2)) {
            try LabeledActivations(rows: t, labels: [0, 1, 0, 1, 0], source: "acts.h5")
        }
    }

    @Test func shapesAndLabelsAreChecked() {
        #expect(throws: ProbeError.lengthMismatch(source: "activations", field: "labels", expected: 4, got: 3)) {
            try LabeledActivations(rows: rows(4, 2), labels: [0, 1, 0])
        }
        #expect(throws: ProbeError.lengthMismatch(source: "activations", field: "groups", expected: 4, got: 1)) {
            try LabeledActivations(rows: rows(4, 2), labels: [0, 1, 0, 1], groups: ["a"])
        }
        #expect(throws: ProbeError.invalidLabel(source: "activations", row: 2, value: 2)) {
            try LabeledActivations(rows: rows(4, 2), labels: [0, 1, 2, 1])
        }
        #expect(throws: ProbeError.notAMatrix(source: "activations", shape: [8])) {
            try LabeledActivations(rows: Tensor(zeros: [8]), labels: [])
        }
    }

    @Test(arguments: ProbeMethod.allCases)
    func noLabelsAndSingleClassRefuseToFit(method: ProbeMethod) throws {
        let unlabelled = try LabeledActivations(rows: rows(6, 3), labels: [-1, -1, -1, -1, -1, -1])
        #expect(throws: ProbeError.noLabels(source: "activations")) {
            try ProbeTrainer.fit(unlabelled, options: ProbeOptions(method: method))
        }
        let single = try LabeledActivations(rows: rows(6, 3), labels: [1, -1, 1, 1, -1, 1])
        #expect(throws: ProbeError.singleClass(source: "activations", label: 1)) {
            try ProbeTrainer.fit(single, options: ProbeOptions(method: method))
        }
    }

    @Test func probeRefusesAnotherDModelOrHook() throws {
        let planted = try PlantedData(rows: 100, dims: 8, offset: 2, seed: 1, hook: "blocks.3.hook_resid_post")
        let probe = try ProbeTrainer.fit(planted.data, options: ProbeOptions(method: .meanDifference))
        let wider = try LabeledActivations(rows: rows(4, 9), labels: [0, 1, 0, 1], source: "other.h5")
        #expect(throws: ProbeError.dimensionMismatch(source: "other.h5", expected: 8, got: 9)) {
            try probe.evaluate(on: wider)
        }
        let otherHook = try LabeledActivations(rows: rows(4, 8), labels: [0, 1, 0, 1],
                                               hook: "blocks.4.hook_resid_post", source: "other.h5")
        #expect(throws: ProbeError.hookMismatch(source: "other.h5", probeHook: "blocks.3.hook_resid_post",
                                                dataHook: "blocks.4.hook_resid_post")) {
            try probe.scores(otherHook)
        }
    }

    @Test func identicalClassesGiveAZeroDirectionError() throws {
        // Each class holds the same two rows: the class means coincide.
        let t = Tensor(shape: [4, 2], storage: [1, 2, 3, 4, 1, 2, 3, 4])
        let data = try LabeledActivations(rows: t, labels: [0, 0, 1, 1], source: "same.h5")
        #expect(throws: ProbeError.zeroDirection(source: "same.h5", method: "mean-diff")) {
            try ProbeTrainer.fit(data, options: ProbeOptions(method: .meanDifference))
        }
        #expect(throws: ProbeError.notAMatrix(source: "activations", shape: [3, 0])) {
            try LabeledActivations(rows: Tensor(zeros: [3, 0]), labels: [0, 1, 0])
        }
    }

    @Test func pairedPCANeedsPairs() throws {
        let data = try LabeledActivations(rows: rows(4, 3), labels: [0, 1, 0, 1], groups: ["a", "b", "c", ""])
        #expect(throws: ProbeError.noPairs(source: "activations")) {
            try PrincipalComponents.pairedDifferences(data)
        }
    }

    @Test func badOptions() throws {
        let planted = try PlantedData(rows: 20, dims: 3, offset: 2, seed: 1)
        #expect(throws: ProbeError.self) { try LogisticRegression(C: 0).fit(planted.data) }
        #expect(throws: ProbeError.self) { try LogisticRegression(C: -1).fit(planted.data) }
        #expect(throws: ProbeError.self) {
            try ProbeTrainer.fit(planted.data, options: ProbeOptions(method: .lda, shrinkage: 1.5))
        }
    }

    @Test func everyDescriptionIsOneLineNamingTheSource() {
        let errors: [ProbeError] = [
            .notAMatrix(source: "f.h5", shape: [3]), .lengthMismatch(source: "f.h5", field: "labels", expected: 2, got: 1),
            .invalidLabel(source: "f.h5", row: 1, value: 5), .noLabels(source: "f.h5"),
            .singleClass(source: "f.h5", label: 0), .nonFinite(source: "f.h5", row: 2, column: 0),
            .dimensionMismatch(source: "f.h5", expected: 4, got: 5),
            .hookMismatch(source: "f.h5", probeHook: "a", dataHook: "b"),
            .tooFewForFolds(source: "f.h5", label: 0, groups: 1, folds: 5),
            .tooFewRows(source: "f.h5", needed: 3, got: 1, reason: "PCA"), .noPairs(source: "f.h5"),
            .hookMissing(source: "f.h5", hook: "blocks.1.hook_resid_post", available: []),
            .zeroDirection(source: "f.h5", method: "lda"),
            .malformedFile(path: "f.h5", field: "direction", problem: "bad"),
        ]
        for error in errors {
            #expect(!error.description.contains("\n"))
            #expect(error.description.hasPrefix("f.h5: "))
        }
    }
}
