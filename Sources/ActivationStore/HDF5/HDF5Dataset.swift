import CHDF5
import Tensors

/// How a row-extendable dataset is laid out: `(rows, rowShape...)`, rows unlimited.
struct HDF5DatasetLayout: Sendable {
    var elementType: HDF5ElementType
    /// The shape of one row: `[]` for a 1-D dataset, `[d_model]` for activations.
    var rowShape: [Int]
    /// Rows per chunk; chunks span whole rows so appends touch only the last chunk.
    var chunkRows: Int
    /// Byte shuffle + gzip level 4 (numeric types only).
    var compress: Bool

    init(elementType: HDF5ElementType, rowShape: [Int] = [], chunkRows: Int = 1024, compress: Bool = false) {
        self.elementType = elementType
        self.rowShape = rowShape
        self.chunkRows = chunkRows
        self.compress = compress
    }
}

extension HDF5Container {
    /// Creates a chunked dataset with `initialRows` rows, extendable along its first axis.
    func createDataset(_ child: String, layout: HDF5DatasetLayout, initialRows: Int = 0) throws -> HDF5Dataset {
        let objectName = childName(child)
        let type = try layout.elementType.makeFileType(path: path, name: objectName)
        let space = try HDF5Dataspace.simple([initialRows] + layout.rowShape,
                                             maxDims: [-1] + layout.rowShape, path: path, name: objectName)
        let creation = try HDF5PropertyList(class: sl_H5P_DATASET_CREATE(), path: path, name: objectName)
        return try HDF5Library.locked {
            let chunk = [hsize_t(max(1, layout.chunkRows))] + layout.rowShape.map { hsize_t(max(1, $0)) }
            try creation.check(H5Pset_chunk(creation.id, Int32(chunk.count), chunk), "set chunk shape \(chunk)")
            if layout.elementType != .utf8String {
                // Every row is written before it becomes visible, so fill values would only be
                // overwritten: skip them (saves a memset of every new chunk).
                try creation.check(H5Pset_fill_time(creation.id, H5D_FILL_TIME_NEVER), "set fill time")
            }
            if layout.compress && layout.elementType != .utf8String {
                try creation.check(H5Pset_shuffle(creation.id), "set shuffle filter")
                try creation.check(H5Pset_deflate(creation.id, 4), "set gzip filter")
            }
            let did = H5Dcreate2(id, child, type.id, space.id, sl_H5P_DEFAULT(), creation.id, sl_H5P_DEFAULT())
            return HDF5Dataset(id: try check(did, "create dataset"), path: path, name: objectName)
        }
    }
}

/// A dataset read and written in whole rows (hyperslabs along the first axis).
final class HDF5Dataset: HDF5Object {
    init(id: hid_t, path: String, name: String) {
        super.init(id: id, path: path, name: name, close: H5Dclose)
    }

    func dataspace() throws -> HDF5Dataspace {
        try HDF5Library.locked {
            HDF5Dataspace(id: try check(H5Dget_space(id), "get dataspace"), path: path, name: name)
        }
    }

    /// The full current shape, rows first.
    func shape() throws -> [Int] { try dataspace().dimensions() }

    /// The extent of the first axis (1 for a scalar dataset).
    func rowCount() throws -> Int { try shape().first ?? 1 }

    /// Elements per row (the product of every axis after the first).
    func rowWidth() throws -> Int { try shape().dropFirst().reduce(1, *) }

    /// The stored element type, or nil for a type the schema does not use.
    func elementType() throws -> HDF5ElementType? {
        try HDF5Library.locked {
            let type = HDF5Datatype(id: try check(H5Dget_type(id), "get datatype"), path: path, name: name)
            return HDF5ElementType.of(typeID: type.id)
        }
    }

    /// Whether the dataset is virtual (rows mapped from other files).
    func isVirtual() throws -> Bool {
        try HDF5Library.locked {
            let plist = HDF5PropertyList(adopting: try check(H5Dget_create_plist(id), "get creation properties"), path: path, name: name)
            return H5Pget_layout(plist.id) == H5D_VIRTUAL
        }
    }

    /// Grows or shrinks the first axis to `rows` (shrinking discards the rows past it).
    func setRowCount(_ rows: Int) throws {
        var dims = try shape()
        guard !dims.isEmpty else { return }
        dims[0] = rows
        try HDF5Library.locked {
            let size = dims.map { hsize_t($0) }
            try check(H5Dset_extent(id, size), "resize to \(rows) rows")
        }
    }

    /// Moves `rows` rows between `buffer` and rows `start ..< start + rows` of the file.
    /// `memoryType` is evaluated under the lock: the native type macros call into libhdf5.
    func transfer(rows: Int, at start: Int, memoryType: @autoclosure () -> hid_t, write: Bool,
                  buffer: UnsafeMutableRawPointer?) throws {
        guard rows > 0 else { return }
        let fileSpace = try dataspace()
        let dims = try fileSpace.dimensions()
        guard !dims.isEmpty, start >= 0, start + rows <= dims[0] else {
            throw HDF5Error(path: path, object: name, operation: "access rows \(start)..<\(start + rows)",
                            libraryMessage: "dataset has \(dims.first ?? 0) rows")
        }
        let rowShape = Array(dims.dropFirst())
        try fileSpace.selectBlock(start: [start] + rowShape.map { _ in 0 }, count: [rows] + rowShape)
        let memorySpace = try HDF5Dataspace.simple([rows] + rowShape, path: path, name: name)
        try HDF5Library.locked {
            if write {
                try check(H5Dwrite(id, memoryType(), memorySpace.id, fileSpace.id, sl_H5P_DEFAULT(), buffer),
                          "write rows \(start)..<\(start + rows)")
            } else {
                try check(H5Dread(id, memoryType(), memorySpace.id, fileSpace.id, sl_H5P_DEFAULT(), buffer),
                          "read rows \(start)..<\(start + rows)")
            }
        }
    }

    private func rowsIn(_ count: Int) throws -> Int {
        let width = try rowWidth()
        guard width > 0, count % width == 0 else {
            throw HDF5Error(path: path, object: name, operation: "write",
                            libraryMessage: "\(count) values do not fill whole rows of \(width)")
        }
        return count / width
    }

    /// Writes whole rows at `start` (the dataset must already have room: see `append`).
    func writeRows<T: HDF5Numeric>(_ values: [T], at start: Int) throws {
        let rows = try rowsIn(values.count)
        try values.withUnsafeBytes {
            // H5Dwrite only reads the buffer; the mutable pointer type is shared with reads.
            try transfer(rows: rows, at: start, memoryType: T.nativeType, write: true,
                         buffer: UnsafeMutableRawPointer(mutating: $0.baseAddress))
        }
    }

    /// Extends the dataset by the rows in `values` and writes them at the end.
    func append<T: HDF5Numeric>(_ values: [T]) throws {
        let start = try rowCount()
        try setRowCount(start + rowsIn(values.count))
        try writeRows(values, at: start)
    }

    /// Reads rows `range` converted to `T` by libhdf5.
    func readRows<T: HDF5Numeric>(_ range: Range<Int>, as _: T.Type = T.self) throws -> [T] {
        let width = try rowWidth()
        var values = [T](repeating: T(), count: range.count * width)
        try values.withUnsafeMutableBytes {
            try transfer(rows: range.count, at: range.lowerBound, memoryType: T.nativeType, write: false,
                         buffer: $0.baseAddress)
        }
        return values
    }

    /// Every row, converted to `T` by libhdf5.
    func readAll<T: HDF5Numeric>(as type: T.Type = T.self) throws -> [T] {
        try readRows(0..<rowCount(), as: type)
    }

    /// Writes Float32 values into a float16 dataset (rounded to nearest even, as numpy does).
    func writeFloat16Rows(_ values: UnsafeBufferPointer<Float>, at start: Int) throws {
        let rows = try rowsIn(values.count)
        var bits = [UInt16](repeating: 0, count: values.count)
        bits.withUnsafeMutableBufferPointer { out in
            for i in 0..<values.count { out[i] = halfBits(values[i]) }
        }
        let halfType = try HDF5ElementType.float16.makeFileType(path: path, name: name)
        try bits.withUnsafeMutableBytes {
            try transfer(rows: rows, at: start, memoryType: halfType.id, write: true, buffer: $0.baseAddress)
        }
    }

    /// Reads rows as Float32 whatever float type is stored (float16 is widened exactly).
    func readFloatRows(_ range: Range<Int>) throws -> [Float] {
        guard try elementType() == .float16 else { return try readRows(range, as: Float.self) }
        let width = try rowWidth()
        var bits = [UInt16](repeating: 0, count: range.count * width)
        let halfType = try HDF5ElementType.float16.makeFileType(path: path, name: name)
        try bits.withUnsafeMutableBytes {
            try transfer(rows: range.count, at: range.lowerBound, memoryType: halfType.id, write: false,
                         buffer: $0.baseAddress)
        }
        var values = [Float](repeating: 0, count: bits.count)
        values.withUnsafeMutableBufferPointer { out in
            bits.withUnsafeBufferPointer { src in
                for i in 0..<src.count { out[i] = float(halfBits: src[i]) }
            }
        }
        return values
    }
}

// Swift's Float16 compiles to the F16C conversion instructions (vectorised) where the platform
// has the type; Intel Macs do not, and use the portable Tensors conversion (same rounding:
// nearest even).
#if os(Linux) || arch(arm64)
@inline(__always) private func halfBits(_ x: Float) -> UInt16 { Float16(x).bitPattern }
@inline(__always) private func float(halfBits h: UInt16) -> Float { Float(Float16(bitPattern: h)) }
#else
@inline(__always) private func halfBits(_ x: Float) -> UInt16 { HalfPrecision.float16Bits(from: x) }
@inline(__always) private func float(halfBits h: UInt16) -> Float { HalfPrecision.float(fromFloat16Bits: h) }
#endif
