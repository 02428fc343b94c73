import Foundation

/// SHA-256 (FIPS 180-4), streaming, for the fingerprints the project records: a model's weights
/// (`model_sha256`), a prompt file (`prompt_file_sha256`), a probe's training file. Foundation on
/// Linux has no CryptoKit, and the project takes no crypto dependency for one hash.
public struct SHA256: Sendable {
    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]
    private var state: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
    private var pending: [UInt8] = []
    private var length: UInt64 = 0

    public init() {}

    /// Feeds more bytes (any split of the input gives the same digest).
    public mutating func update<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        length &+= UInt64(bytes.count)
        // Fast path: whole blocks straight from contiguous input once nothing is pending.
        let direct: Int? = pending.isEmpty ? bytes.withContiguousStorageIfAvailable { buffer in
            let whole = buffer.count / 64 * 64
            for start in stride(from: 0, to: whole, by: 64) { Self.compress(&state, buffer, at: start) }
            pending.append(contentsOf: buffer[whole...])
            return whole
        } : nil
        if direct != nil { return }
        pending.append(contentsOf: bytes)
        let whole = pending.count / 64 * 64
        guard whole > 0 else { return }
        pending.withUnsafeBufferPointer { buffer in
            for start in stride(from: 0, to: whole, by: 64) { Self.compress(&state, buffer, at: start) }
        }
        pending.removeFirst(whole)
    }

    /// The 32-byte digest; the hasher should not be updated afterwards.
    public mutating func finalize() -> [UInt8] {
        let bits = length &* 8
        var tail: [UInt8] = [0x80]
        tail += [UInt8](repeating: 0, count: (55 &- pending.count) & 63)
        tail += (0..<8).map { UInt8(truncatingIfNeeded: bits >> (56 - 8 * $0)) }
        let savedLength = length
        update(tail)
        length = savedLength
        return state.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (24 - 8 * $0)) } }
    }

    /// The digest as 64 lower-case hex digits; the hasher should not be updated afterwards.
    public mutating func finalizeHex() -> String {
        finalize().map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
    }

    /// Lower-case hex digest of `bytes`.
    public static func hex<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalizeHex()
    }

    /// Lower-case hex digest of a file, read 4 MiB at a time (model weights can be gigabytes).
    public static func hex(ofFile path: String) throws -> String {
        var hasher = SHA256()
        try hasher.update(fileAt: path)
        return hasher.finalizeHex()
    }

    /// Feeds a whole file, read 4 MiB at a time.
    mutating func update(fileAt path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ModelFileError(file: path, "cannot read file")
        }
        defer { try? handle.close() }
        do {
            while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty { update(chunk) }
        } catch {
            throw ModelFileError(file: path, "read failed: \(error.localizedDescription)")
        }
    }

    /// One 64-byte block into the eight-word state (FIPS 180-4 §6.2.2).
    private static func compress(_ state: inout [UInt32], _ block: UnsafeBufferPointer<UInt8>, at start: Int) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            for i in 0..<16 {
                let b = start + 4 * i
                w[i] = UInt32(block[b]) << 24 | UInt32(block[b + 1]) << 16 | UInt32(block[b + 2]) << 8 | UInt32(block[b + 3])
            }
            for i in 16..<64 {
                let s0 = w[i - 15].rotatedRight(7) ^ w[i - 15].rotatedRight(18) ^ (w[i - 15] >> 3)
                let s1 = w[i - 2].rotatedRight(17) ^ w[i - 2].rotatedRight(19) ^ (w[i - 2] >> 10)
                w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, h) = (state[0], state[1], state[2], state[3], state[4], state[5], state[6], state[7])
            Self.k.withUnsafeBufferPointer { k in
                for i in 0..<64 {
                    let s1 = e.rotatedRight(6) ^ e.rotatedRight(11) ^ e.rotatedRight(25)
                    let choice = (e & f) ^ (~e & g)
                    let t1 = h &+ s1 &+ choice &+ k[i] &+ w[i]
                    let s0 = a.rotatedRight(2) ^ a.rotatedRight(13) ^ a.rotatedRight(22)
                    let majority = (a & b) ^ (a & c) ^ (b & c)
                    let t2 = s0 &+ majority
                    (h, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
                }
            }
            state[0] &+= a; state[1] &+= b; state[2] &+= c; state[3] &+= d
            state[4] &+= e; state[5] &+= f; state[6] &+= g; state[7] &+= h
        }
    }
}

/// The fingerprint probe.json's (and the activations file's) `model_sha256` is checked against.
public enum ModelFingerprint {
    /// A model's fingerprint: SHA-256 over its weight files' bytes, concatenated in the order of
    /// `files` (`Checkpoint.fileNames`, the checkpoint's stable order), read in 4 MiB pieces.
    public static func sha256(directory: URL, files: [String]) throws -> String {
        var hasher = SHA256()
        for name in files {
            try hasher.update(fileAt: directory.appendingPathComponent(name).path)
        }
        return hasher.finalizeHex()
    }

    /// The fingerprint of a checkpoint's weight files.
    public static func sha256(of checkpoint: Checkpoint) throws -> String {
        try sha256(directory: checkpoint.directory, files: checkpoint.fileNames)
    }
}

extension UInt32 {
    fileprivate func rotatedRight(_ n: UInt32) -> UInt32 { (self >> n) | (self << (32 - n)) }
}
