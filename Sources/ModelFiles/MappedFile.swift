import Tensors
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory map of a whole file, unmapped when released.
public final class MappedFile: WeightStorageOwner, @unchecked Sendable {
    public let path: String
    public let count: Int
    private let base: UnsafeMutableRawPointer?

    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw ModelFileError(file: path, "cannot open (\(String(cString: strerror(errno))))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw ModelFileError(file: path, "cannot stat (\(String(cString: strerror(errno))))")
        }
        count = Int(info.st_size)
        if count == 0 {
            base = nil
            return
        }
        let pointer = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let pointer, pointer != MAP_FAILED else {
            throw ModelFileError(file: path, "cannot memory-map (\(String(cString: strerror(errno))))")
        }
        base = pointer
    }

    deinit {
        if let base { munmap(base, count) }
    }

    /// Bytes `range` of the file; the caller has checked the range against `count`.
    public func withBytes<R>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        precondition(range.lowerBound >= 0 && range.upperBound <= count)
        guard let base else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return try body(UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count))
    }

    /// Tells the kernel the pages of `range` are no longer needed, so converting a checkpoint to
    /// Float32 tensor by tensor never holds the whole file and the whole model at once.
    public func release(_ range: Range<Int>) {
        guard let base, !range.isEmpty else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (range.lowerBound / page) * page
        let end = min(count, ((range.upperBound + page - 1) / page) * page)
        _ = madvise(base + start, end - start, Int32(MADV_DONTNEED))
    }
}
