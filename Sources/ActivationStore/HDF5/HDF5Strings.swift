import CHDF5
import Foundation

extension HDF5Dataset {
    /// Writes variable-length UTF-8 strings at rows `start...` (room must exist).
    func writeStrings(_ strings: [String], at start: Int) throws {
        let type = try HDF5ElementType.utf8String.makeFileType(path: path, name: name)
        try withCStringArray(strings) { pointers in
            try transfer(rows: strings.count, at: start, memoryType: type.id, write: true, buffer: pointers)
        }
    }

    /// Extends the dataset by `strings.count` rows and writes them there.
    func appendStrings(_ strings: [String]) throws {
        let start = try rowCount()
        try setRowCount(start + strings.count)
        try writeStrings(strings, at: start)
    }

    /// Reads rows `range` of a string dataset (variable- or fixed-length, as h5py may write).
    func readStrings(_ range: Range<Int>) throws -> [String] {
        guard !range.isEmpty else { return [] }
        let type = try HDF5ElementType.utf8String.makeFileType(path: path, name: name)
        var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: range.count)
        try pointers.withUnsafeMutableBytes {
            try transfer(rows: range.count, at: range.lowerBound, memoryType: type.id, write: false, buffer: $0.baseAddress)
        }
        let strings = pointers.map { $0.map { String(cString: $0) } ?? "" }
        let space = try HDF5Dataspace.simple([range.count], path: path, name: name)
        try HDF5Library.locked {
            try pointers.withUnsafeMutableBytes {
                try check(H5Dvlen_reclaim(type.id, space.id, sl_H5P_DEFAULT(), $0.baseAddress), "free strings")
            }
        }
        return strings
    }

    /// Every row of a string dataset.
    func readAllStrings() throws -> [String] { try readStrings(0..<rowCount()) }
}

/// Calls `body` with a C array of NUL-terminated copies of `strings`, freed afterwards.
@discardableResult
func withCStringArray<T>(_ strings: [String], _ body: (UnsafeMutableRawPointer?) throws -> T) rethrows -> T {
    // A trailing nil keeps the buffer non-empty, so its base address exists even for no strings.
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) } + [nil]
    defer { pointers.forEach { free($0) } }
    return try pointers.withUnsafeMutableBytes { try body($0.baseAddress) }
}
