import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What identifies one version of a file without reading it: its path, size, modification time
/// (nanoseconds) and inode. A file that is rewritten, replaced or touched gets a new stamp.
public struct FileStamp: Codable, Sendable, Equatable {
    /// The absolute, standardised path.
    public let path: String
    public let size: Int64
    public let modifiedNanoseconds: Int64
    public let inode: UInt64

    enum CodingKeys: String, CodingKey {
        case path, size, inode
        case modifiedNanoseconds = "mtime_ns"
    }

    /// `stat`s the file (following links, as Hugging Face's cache links to blobs).
    public init(path: String) throws {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        var info = stat()
        guard stat(absolute, &info) == 0 else {
            throw FormatError(file: path, "cannot read file (\(String(cString: strerror(errno))))")
        }
        self.path = absolute
        size = Int64(info.st_size)
        #if canImport(Darwin)
        modifiedNanoseconds = Int64(info.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(info.st_mtimespec.tv_nsec)
        #else
        modifiedNanoseconds = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        #endif
        inode = UInt64(info.st_ino)
    }
}
