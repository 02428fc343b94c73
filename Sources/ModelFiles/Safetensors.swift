import Foundation
import Tensors

/// Element types a safetensors file can declare. Weights are computed in Float32 whatever the
/// file holds; F32, F16, BF16 and F64 convert, the integer types are read only as metadata.
public enum SafetensorsDType: String, Sendable, CaseIterable {
    case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
    case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8", u8 = "U8", bool = "BOOL"

    public var byteSize: Int {
        switch self {
        case .f64, .i64: 8
        case .f32, .i32: 4
        case .f16, .bf16, .i16: 2
        case .i8, .u8, .bool: 1
        }
    }

    public var isFloatingPoint: Bool { [.f64, .f32, .f16, .bf16].contains(self) }
}

/// Where one tensor lies in a safetensors file.
public struct SafetensorsEntry: Sendable, Equatable {
    public let name: String
    public let dtype: SafetensorsDType
    public let shape: [Int]
    /// Byte range within the file (header included in the offset).
    public let byteRange: Range<Int>

    public var elementCount: Int { shape.reduce(1, *) }
}

/// One `.safetensors` file, memory-mapped, its header checked against the file's size.
///
/// Format (huggingface/safetensors): an 8-byte little-endian header length N, N bytes of JSON
/// mapping each tensor name to `{dtype, shape, data_offsets: [begin, end]}` (offsets relative to
/// the end of the header), optional `__metadata__` (string → string), then the data.
public final class SafetensorsFile: Sendable {
    public let path: String
    public let entries: [String: SafetensorsEntry]
    public let metadata: [String: String]
    private let file: MappedFile

    /// Largest header accepted (the reference implementation's limit is 100 MB).
    static let maxHeaderLength = 100_000_000

    public init(path: String) throws {
        self.path = path
        let name = (path as NSString).lastPathComponent
        let file = try MappedFile(path: path)
        self.file = file
        guard file.count >= 8 else {
            throw ModelFileError(file: name, "truncated safetensors file: \(file.count) bytes, no 8-byte header length")
        }
        let headerLength = file.withBytes(0..<8) { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard headerLength <= UInt64(file.count - 8) else {
            throw ModelFileError(file: name, "header length \(headerLength) runs past the end of the file (\(file.count) bytes)")
        }
        guard headerLength <= UInt64(Self.maxHeaderLength) else {
            throw ModelFileError(file: name, "header length \(headerLength) exceeds the 100 MB limit")
        }
        let dataStart = 8 + Int(headerLength)
        let header = file.withBytes(8..<dataStart) { Data($0) }
        guard let object = JSONValue.parse(header)?.objectValue else {
            throw ModelFileError(file: name, "header is not a JSON object")
        }
        let dataLength = file.count - dataStart
        let fractional = Self.tensorsWithFractionalIntegers(header)
        var entries: [String: SafetensorsEntry] = [:]
        var metadata: [String: String] = [:]
        var ranges: [(begin: Int, end: Int, name: String)] = []
        for (key, value) in object {
            if key == "__metadata__" {
                guard let pairs = value.objectValue else {
                    throw ModelFileError(file: name, "__metadata__ is not an object")
                }
                for (k, v) in pairs { metadata[k] = v.stringValue ?? "\(v)" }
                continue
            }
            guard value.objectValue != nil else {
                throw ModelFileError(file: name, "tensor \(key): header entry is not an object")
            }
            guard let dtypeName = value["dtype"]?.stringValue else {
                throw ModelFileError(file: name, "tensor \(key): missing dtype")
            }
            guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
                throw ModelFileError(file: name, "tensor \(key): unsupported dtype \"\(dtypeName)\" (expected one of \(SafetensorsDType.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard !fractional.contains(key + "/shape"), let shape = Self.integers(value["shape"]), shape.allSatisfy({ $0 >= 0 }) else {
                throw ModelFileError(file: name, "tensor \(key): shape is not a list of non-negative integers")
            }
            guard !fractional.contains(key + "/data_offsets"), let offsets = Self.integers(value["data_offsets"]), offsets.count == 2 else {
                throw ModelFileError(file: name, "tensor \(key): data_offsets is not a pair of integers")
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, begin <= end, end <= dataLength else {
                throw ModelFileError(file: name, "tensor \(key): data_offsets [\(begin), \(end)] run past the data section (\(dataLength) bytes)")
            }
            // Checked arithmetic: a shape such as [2^62] must be an error, not a trap.
            var bytes = dtype.byteSize
            for d in shape {
                let (product, overflow) = bytes.multipliedReportingOverflow(by: d)
                guard !overflow else { throw ModelFileError(file: name, "tensor \(key): shape \(shape) overflows") }
                bytes = product
            }
            guard end - begin == bytes else {
                throw ModelFileError(file: name, "tensor \(key): \(end - begin) bytes do not hold shape \(shape) of \(dtypeName) (\(bytes) bytes)")
            }
            entries[key] = SafetensorsEntry(name: key, dtype: dtype, shape: shape,
                                            byteRange: (dataStart + begin)..<(dataStart + end))
            ranges.append((begin, end, key))
        }
        // As the reference implementation validates: tensors tile the data section exactly, in
        // offset order, with no overlap and no gap.
        ranges.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var expected = 0
        for r in ranges {
            guard r.begin == expected else {
                throw ModelFileError(file: name, "tensor \(r.name): data_offsets start at \(r.begin), expected \(expected) (tensors overlap or leave a gap)")
            }
            expected = r.end
        }
        guard expected == dataLength else {
            throw ModelFileError(file: name, "tensors end at byte \(expected) of a \(dataLength)-byte data section")
        }
        self.entries = entries
        self.metadata = metadata
    }

    /// "tensor/field" for each tensor whose `shape` or `data_offsets` hold a number written with a fraction or an
    /// exponent (`4.0`, `1e2`): JSON decoding would read them as integers, the reference
    /// implementation rejects them.
    private static func tensorsWithFractionalIntegers(_ header: Data) -> Set<String> {
        guard let object = try? JSONSerialization.jsonObject(with: header) as? [String: Any] else { return [] }
        var found = Set<String>()
        for (name, value) in object {
            guard let entry = value as? [String: Any] else { continue }
            for field in ["shape", "data_offsets"] {
                for number in entry[field] as? [Any] ?? [] {
                    if let n = number as? NSNumber, ["d", "f"].contains(String(cString: n.objCType)) { found.insert(name + "/" + field) }
                }
            }
        }
        return found
    }

    private static func integers(_ value: JSONValue?) -> [Int]? {
        guard let array = value?.arrayValue else { return nil }
        var out: [Int] = []
        for v in array {
            guard case .int(let i) = v else { return nil }
            out.append(i)
        }
        return out
    }

    /// Converts `count` little-endian values of `dtype` to Float32.
    private static func convert(_ raw: UnsafeRawBufferPointer, dtype: SafetensorsDType,
                                into out: UnsafeMutablePointer<Float>, count n: Int) {
        switch dtype {
        case .f32:
            for i in 0..<n { out[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
        case .f16:
            for i in 0..<n { out[i] = HalfPrecision.float(fromFloat16Bits: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
        case .bf16:
            for i in 0..<n { out[i] = HalfPrecision.float(fromBFloat16Bits: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
        case .f64:
            for i in 0..<n { out[i] = Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))) }
        default:
            break
        }
    }

    /// The tensor as it is stored, without a copy: a view into the memory map, read as a
    /// (rows, columns) matrix whose columns are the last axis (a vector is one row). BF16, F16
    /// and F32 are used in place; F64 (rare) is narrowed into an owned F32 buffer, and data not
    /// aligned to its element size (a writer that pads nothing) is copied into one.
    public func weights(_ name: String) throws -> WeightMatrix {
        let fileName = (path as NSString).lastPathComponent
        guard let entry = entries[name] else {
            throw ModelFileError(file: fileName, "no tensor named \(name)")
        }
        let columns = entry.shape.last ?? 1
        let rows = columns == 0 ? 0 : entry.elementCount / columns
        let dtype: WeightDType
        switch entry.dtype {
        case .f32: dtype = .f32
        case .f16: dtype = .f16
        case .bf16: dtype = .bf16
        case .f64:
            let t = try tensor(name)
            return t.storage.withUnsafeBufferPointer { WeightMatrix(copying: $0, rows: rows, columns: columns) }
        default:
            throw ModelFileError(file: fileName, "tensor \(name): dtype \(entry.dtype.rawValue) is not a floating-point type (expected F32, F16 or BF16)")
        }
        return file.withBytes(entry.byteRange) { raw in
            guard let base = raw.baseAddress, Int(bitPattern: base) % dtype.byteSize == 0 else {
                let buffer = WeightBuffer(byteCount: raw.count)
                if raw.count > 0 { buffer.bytes.copyMemory(from: raw.baseAddress!, byteCount: raw.count) }
                return WeightMatrix(dtype: dtype, rows: rows, columns: columns, base: UnsafeRawPointer(buffer.bytes), owner: buffer)
            }
            return WeightMatrix(dtype: dtype, rows: rows, columns: columns, base: base, owner: file)
        }
    }

    /// Releases the mapped pages of `range` (see `MappedFile.release`).
    public func releasePages(_ range: Range<Int>) { file.release(range) }

    /// The tensor converted to Float32; after conversion the file's pages are released.
    public func tensor(_ name: String) throws -> Tensor {
        let fileName = (path as NSString).lastPathComponent
        guard let entry = entries[name] else {
            throw ModelFileError(file: fileName, "no tensor named \(name)")
        }
        guard entry.dtype.isFloatingPoint else {
            throw ModelFileError(file: fileName, "tensor \(name): dtype \(entry.dtype.rawValue) is not a floating-point type")
        }
        let n = entry.elementCount
        var values = [Float](repeating: 0, count: n)
        // Converted in chunks, each chunk's file pages released as soon as it is read, so that
        // loading never holds the largest tensor twice (once mapped, once converted).
        let chunk = 1 << 20
        let size = entry.dtype.byteSize
        values.withUnsafeMutableBufferPointer { out in
            var first = 0
            while first < n {
                let last = min(n, first + chunk)
                let bytes = (entry.byteRange.lowerBound + first * size)..<(entry.byteRange.lowerBound + last * size)
                file.withBytes(bytes) { raw in
                    Self.convert(raw, dtype: entry.dtype, into: out.baseAddress! + first, count: last - first)
                }
                file.release(bytes)
                first = last
            }
        }
        return Tensor(shape: entry.shape, storage: values)
    }
}

