/// GPT-2's reversible byte ↔ printable-character table (`bytes_to_unicode` in GPT-2's
/// `encoder.py`): printable Latin-1 bytes stand for themselves, the other 68 bytes map to
/// U+0100 onwards in byte order, so `' '` becomes `Ġ` and `'\n'` becomes `Ċ`.
enum ByteLevelTable {
    static let byteToScalar: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var next: UInt32 = 256
        for b in 0..<256 {
            let printable = (33...126).contains(b) || (161...172).contains(b) || (174...255).contains(b)
            if printable {
                table[b] = Unicode.Scalar(UInt8(b))
            } else {
                table[b] = Unicode.Scalar(next) ?? " "
                next += 1
            }
        }
        return table
    }()

    static let scalarToByte: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for (b, s) in byteToScalar.enumerated() { map[s.value] = UInt8(b) }
        return map
    }()

    /// Appends the table characters of `scalar`'s UTF-8 bytes to `out`.
    @inline(__always)
    static func appendBytes(of scalar: Unicode.Scalar, to out: inout [Unicode.Scalar]) {
        let table = byteToScalar
        if scalar.value < 0x80 {
            out.append(table[Int(scalar.value)])
            return
        }
        for b in String(scalar).utf8 { out.append(table[Int(b)]) }
    }
}
