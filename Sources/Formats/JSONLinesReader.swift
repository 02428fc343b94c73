import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A JSON Lines file read one line at a time, in blocks: memory holds one block and the
/// current line, however long the file. Lines are numbered, split, trimmed of CR, checked for
/// UTF-8 and skipped when blank exactly as `JSONLines.lines` does, and every byte read is
/// hashed, so after the last line `sha256` is the file's digest.
public final class JSONLinesReader {
    public let path: String
    private let descriptor: Int32
    private var block: [UInt8]
    /// Bytes of `block` not yet cut into lines: `block[start..<end]`.
    private var start = 0
    private var end = 0
    private var atEndOfFile = false
    private var atStartOfFile = true
    private var lineNumber = 0
    private var hasher = SHA256()
    private var digest: String?

    /// Opens `path`; `blockSize` bytes are read at a time.
    public init(path: String, blockSize: Int = 1 << 16) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw FormatError(file: path, "cannot read file (\(String(cString: strerror(errno))))")
        }
        self.path = path
        self.descriptor = descriptor
        block = [UInt8](repeating: 0, count: max(1, blockSize))
    }

    deinit { close(descriptor) }

    /// SHA-256 of the file's bytes (lower-case hex), once `next()` has returned nil.
    public var sha256: String? { digest }

    /// The next non-blank line, or nil at the end of the file; a line that is not valid UTF-8
    /// fails with its number.
    public func next() throws -> JSONLines.Line? {
        while true {
            guard var raw = try nextRawLine() else { return nil }
            lineNumber += 1
            if atStartOfFile {
                atStartOfFile = false
                if raw.starts(with: [0xEF, 0xBB, 0xBF]) { raw.removeFirst(3) }
            }
            if raw.last == 0x0D { raw.removeLast() }
            guard let text = String(validating: raw, as: UTF8.self) else {
                throw FormatError(file: path, line: lineNumber, "not valid UTF-8")
            }
            if text.allSatisfy(\.isWhitespace) { continue }
            return JSONLines.Line(number: lineNumber, text: text)
        }
    }

    /// The bytes up to the next LF (without it), or the last bytes of a file that does not end
    /// in LF; nil once everything has been returned.
    private func nextRawLine() throws -> [UInt8]? {
        var line: [UInt8] = []
        while true {
            if let newline = block[start..<end].firstIndex(of: 0x0A) {
                line += block[start..<newline]
                start = newline + 1
                return line
            }
            line += block[start..<end]
            start = 0
            end = 0
            if atEndOfFile { return line.isEmpty ? finish() : line }
            try fill()
        }
    }

    /// Reads the next block into `block` (empty at the end of the file).
    private func fill() throws {
        while true {
            let count = block.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FormatError(file: path, "read failed: \(String(cString: strerror(errno)))")
            }
            hasher.update(block[0..<count])
            end = count
            atEndOfFile = count == 0
            return
        }
    }

    /// Ends the pass: the digest covers every byte now.
    private func finish() -> [UInt8]? {
        if digest == nil { digest = hasher.finalizeHex() }
        return nil
    }
}
