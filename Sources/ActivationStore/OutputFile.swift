import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a file on disk is (device and inode): what a writer checks to notice that another
/// process replaced or removed the file it holds open.
struct FileIdentity: Equatable, Sendable {
    let device: UInt64
    let inode: UInt64

    /// The identity of whatever `path` names now, or nil when nothing is there.
    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}

/// Writing an output so that readers and other writers see either the old file or the new one
/// whole: new files are built under a hidden temporary name in the same folder (so `rename` is
/// atomic: same file system) and renamed into place; an existing file is never truncated.
enum OutputFile {
    /// A fresh hidden name beside `path`: `.<name>.<pid>-<random>.partial`.
    static func temporarySibling(of path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let name = ".\(url.lastPathComponent).\(getpid())-\(UInt32.random(in: 0...UInt32.max)).partial"
        return url.deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// Checks what must hold before anything is written for `path`: its folder exists and is
    /// writable, and an existing file is replaced only with `force` and only when no other
    /// process is writing it.
    static func checkCanCreate(_ path: String, force: Bool, remedy: ActivationStoreError.Remedy) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw ActivationStoreError.outputFolderMissing(path: path, folder: folder)
        }
        guard access(folder, W_OK) == 0 else {
            throw ActivationStoreError.outputFolderNotWritable(path: path, folder: folder)
        }
        guard FileManager.default.fileExists(atPath: path) else { return }
        guard force else { throw ActivationStoreError.fileExists(path: path, remedy: remedy) }
        if isWriteLocked(path) { throw ActivationStoreError.locked(path: path) }
    }

    /// Whether another open file description holds an exclusive lock on `path`: libhdf5 takes
    /// one (`flock`) for as long as a writer has the file open, readers take shared ones.
    static func isWriteLocked(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        // A shared lock is refused only while someone holds an exclusive one: a writer.
        if flock(fd, LOCK_SH | LOCK_NB) != 0 { return errno == EWOULDBLOCK }
        _ = flock(fd, LOCK_UN)
        return false
    }

    /// Renames `temporary` onto `path` (atomically replacing any file there).
    static func moveIntoPlace(_ temporary: String, _ path: String) throws {
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            throw ActivationStoreError.cannotWrite(path: path, reason: "rename from \(temporary): \(reason)")
        }
    }

    /// Removes a temporary file that will not be published (errors ignored: nothing to report).
    static func discard(_ temporary: String) {
        _ = unlink(temporary)
    }
}
