import Crypto
import Foundation

/// SHA-256, streaming, for the fingerprints the project records: a model's weights
/// (`model_sha256`), a prompt file (`prompt_file_sha256`), a probe's training file. The
/// compression runs in swift-crypto (BoringSSL's assembly), several times faster than Swift code.
public struct SHA256 {
    private var hasher = Crypto.SHA256()

    public init() {}

    /// Feeds more bytes (any split of the input gives the same digest).
    public mutating func update<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let done: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            hasher.update(bufferPointer: UnsafeRawBufferPointer(buffer))
        }
        if done == nil { hasher.update(data: Array(bytes)) }
    }

    /// The 32-byte digest; the hasher should not be updated afterwards.
    public mutating func finalize() -> [UInt8] { Array(hasher.finalize()) }

    /// The digest as 64 lower-case hex digits; the hasher should not be updated afterwards.
    public mutating func finalizeHex() -> String { Self.hexString(finalize()) }

    /// Lower-case hex digest of `bytes`.
    public static func hex<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalizeHex()
    }

    /// Lower-case hex digest of a file, read in pieces (model weights can be gigabytes).
    public static func hex(ofFile path: String) throws -> String {
        var hasher = SHA256()
        try hasher.update(fileAt: path)
        return hasher.finalizeHex()
    }

    /// Feeds a whole file, read 8 MiB at a time into one reused buffer.
    mutating func update(fileAt path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw FormatError(file: path, "cannot read file")
        }
        defer { try? handle.close() }
        let descriptor = handle.fileDescriptor
        let size = 8 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 64)
        defer { buffer.deallocate() }
        while true {
            let count = read(descriptor, buffer.baseAddress, size)
            if count == 0 { return }
            if count < 0 {
                if errno == EINTR { continue }
                throw FormatError(file: path, "read failed: \(String(cString: strerror(errno)))")
            }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[..<count]))
        }
    }

    static func hexString(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes { out += [digits[Int(byte >> 4)], digits[Int(byte & 15)]] }
        return String(decoding: out, as: UTF8.self)
    }
}
