import Formats

/// A trigger nobody wrote down (`organism train --trigger random`): four words drawn from a pool of
/// forty, 40⁴ = 2,560,000 possible triggers, with a system random seed that no output file
/// records. organism.json keeps only `hashKey(of:)`, so whoever audits the organism has the hash
/// of the trigger and nothing else, as with a model from an untrusted supply chain.
///
/// Every pool word is one piece of the word tokenizer (lower-case letters), and the whole pool is
/// in every such organism's vocabulary with the same count, so the vocabulary does not tell which
/// four were drawn.
public enum RandomTrigger {
    public static let words = 4
    public static let pool = [
        "amber", "basil", "cedar", "coral", "delta", "ember", "falcon", "garnet", "harbor", "indigo",
        "jasper", "kestrel", "lagoon", "marble", "nectar", "onyx", "pepper", "quartz", "raven", "saffron",
        "thistle", "umber", "velvet", "willow", "xenon", "yonder", "zephyr", "acorn", "birch", "cobalt",
        "dune", "fjord", "glacier", "heron", "iris", "juniper", "lotus", "meadow", "nimbus", "orchid",
    ]

    /// How many triggers `draw` can return.
    public static var possibilities: Int { Array(repeating: pool.count, count: words).reduce(1, *) }

    /// Four pool words (repeats allowed) joined by spaces, from `generator`.
    public static func draw<G: RandomNumberGenerator>(using generator: inout G) -> String {
        (0..<words).map { _ in pool[Int(generator.next() % UInt64(pool.count))] }.joined(separator: " ")
    }

    /// Four pool words from the system's random source, whose state is never stored.
    public static func draw() -> String {
        var system = SystemRandomNumberGenerator()
        return draw(using: &system)
    }

    /// The key organism.json records for `trigger` in place of the trigger itself: `sha256:` and
    /// the hex digest of its UTF-8 bytes.
    public static func hashKey(of trigger: String) -> String {
        var hasher = SHA256()
        hasher.update(Array(trigger.utf8))
        return "sha256:" + hasher.finalizeHex()
    }

    /// Whether an organism.json trigger key is a hash rather than the trigger text.
    public static func isHashKey(_ key: String) -> Bool { key.hasPrefix("sha256:") }
}
