/// A dictionary key that compares token text byte for byte, as Rust's `HashMap<String, _>`
/// does. Swift's `String` equality is canonical, which would make `"é"` and `"e\u{301}"` the
/// same vocabulary entry.
struct TokenKey: Hashable, Sendable {
    let text: String

    init(_ text: String) {
        var copy = text
        copy.makeContiguousUTF8()
        self.text = copy
    }

    init(_ scalars: [Unicode.Scalar]) {
        self.init(scalars.string)
    }

    static func == (a: TokenKey, b: TokenKey) -> Bool {
        var a = a.text
        var b = b.text
        return a.withUTF8 { x in b.withUTF8 { y in x.count == y.count && x.elementsEqual(y) } }
    }

    func hash(into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

extension String {
    /// `self` without a leading `prefix`, compared byte for byte (`hasPrefix` / `dropFirst` work
    /// on grapheme clusters, which glue `##` to a following combining mark).
    func droppingUTF8Prefix(_ prefix: String?) -> String {
        guard let prefix, !prefix.isEmpty, utf8.starts(with: prefix.utf8) else { return self }
        return String(decoding: utf8.dropFirst(prefix.utf8.count), as: UTF8.self)
    }
}
