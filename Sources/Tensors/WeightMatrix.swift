#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The element types weights are used in without conversion.
public enum WeightDType: String, Sendable, CaseIterable {
    case f32 = "F32", f16 = "F16", bf16 = "BF16"

    public var byteSize: Int { self == .f32 ? 4 : 2 }
}

/// Memory a weight matrix may point into: a memory map, or a buffer this object owns. Holding
/// it keeps the bytes alive.
public protocol WeightStorageOwner: AnyObject, Sendable {}

/// An aligned heap buffer for weights that are widened or copied at load.
public final class WeightBuffer: WeightStorageOwner, @unchecked Sendable {
    public let bytes: UnsafeMutableRawPointer
    public let count: Int

    public init(byteCount: Int) {
        count = byteCount
        bytes = UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: 64)
    }

    deinit { bytes.deallocate() }
}

/// A row-major (rows, columns) matrix of weights in the precision they are stored in: a view
/// into a memory-mapped checkpoint (nothing copied) or into a `WeightBuffer`.
///
/// The products in `WeightProducts` read it directly: F32 goes to BLAS as it lies, BF16/F16 are
/// widened on the fly (GEMV) or panel by panel into a cache-sized F32 tile (GEMM).
public struct WeightMatrix: @unchecked Sendable {
    public let dtype: WeightDType
    public let rows: Int
    public let columns: Int
    /// The first element; aligned to `dtype.byteSize`.
    public let base: UnsafeRawPointer
    /// What keeps `base` valid.
    public let owner: WeightStorageOwner

    public init(dtype: WeightDType, rows: Int, columns: Int, base: UnsafeRawPointer, owner: WeightStorageOwner) {
        precondition(Int(bitPattern: base) % dtype.byteSize == 0, "WeightMatrix: misaligned \(dtype.rawValue) data")
        self.dtype = dtype
        self.rows = rows
        self.columns = columns
        self.base = base
        self.owner = owner
    }

    /// A Float32 matrix that owns a copy of `values` (rows · columns of them).
    public init(copying values: UnsafeBufferPointer<Float>, rows: Int, columns: Int) {
        precondition(values.count == rows * columns, "WeightMatrix: \(values.count) values for (\(rows), \(columns))")
        let buffer = WeightBuffer(byteCount: values.count * 4)
        if let source = values.baseAddress {
            buffer.bytes.copyMemory(from: source, byteCount: values.count * 4)
        }
        self.init(dtype: .f32, rows: rows, columns: columns, base: UnsafeRawPointer(buffer.bytes), owner: buffer)
    }

    public var elementCount: Int { rows * columns }
    public var byteCount: Int { elementCount * dtype.byteSize }

    /// Float32 data, when the matrix is stored as F32.
    public var floats: UnsafePointer<Float>? {
        dtype == .f32 ? base.assumingMemoryBound(to: Float.self) : nil
    }

    /// Widens rows `range` into `out` ((range.count, columns) Float32, contiguous).
    public func widenRows(_ range: Range<Int>, into out: UnsafeMutablePointer<Float>) {
        let start = range.lowerBound * columns
        let n = range.count * columns
        WeightConversion.widen(dtype, base + start * dtype.byteSize, into: out, count: n)
    }

    /// Widens elements `start ..< start + count` (row-major index) into `out`.
    public func widenElements(from start: Int, count: Int, into out: UnsafeMutablePointer<Float>) {
        WeightConversion.widen(dtype, base + start * dtype.byteSize, into: out, count: count)
    }

    /// The whole matrix as Float32 values (for small tensors: norms, biases, tests).
    public func floatArray() -> [Float] {
        [Float](unsafeUninitializedCapacity: elementCount) { buffer, initialized in
            if let p = buffer.baseAddress { widenElements(from: 0, count: elementCount, into: p) }
            initialized = elementCount
        }
    }

    /// The index of the first NaN or infinite element, or nil. Scans in SIMD blocks.
    public func firstNonFiniteIndex() -> Int? {
        WeightConversion.firstNonFinite(dtype, base, count: elementCount)
    }

    /// The same bytes as a Float32 matrix owned by a new buffer.
    public func widened() -> WeightMatrix {
        if dtype == .f32 { return self }
        let buffer = WeightBuffer(byteCount: elementCount * 4)
        widenElements(from: 0, count: elementCount, into: buffer.bytes.assumingMemoryBound(to: Float.self))
        return WeightMatrix(dtype: .f32, rows: rows, columns: columns, base: UnsafeRawPointer(buffer.bytes), owner: buffer)
    }
}

/// Conversions of stored weights to Float32, vectorised (8 lanes; with `-target-cpu haswell`
/// BF16 is a zero-extend and shift, F16 one `vcvtph2ps`).
public enum WeightConversion {
    @inlinable @inline(__always)
    public static func widenBF16(_ bits: SIMD8<UInt16>) -> SIMD8<Float> {
        unsafeBitCast(SIMD8<UInt32>(truncatingIfNeeded: bits) &<< 16, to: SIMD8<Float>.self)
    }

    @inlinable @inline(__always)
    public static func widenF16(_ bits: SIMD8<UInt16>) -> SIMD8<Float> {
        #if arch(x86_64) || arch(arm64)
        return SIMD8<Float>(unsafeBitCast(bits, to: SIMD8<Float16>.self))
        #else
        var out = SIMD8<Float>()
        for i in 0..<8 { out[i] = HalfPrecision.float(fromFloat16Bits: bits[i]) }
        return out
        #endif
    }

    /// Eight values starting at `p` (element index 0) as Float32.
    @inlinable @inline(__always)
    public static func load8(_ dtype: WeightDType, _ p: UnsafeRawPointer) -> SIMD8<Float> {
        switch dtype {
        case .f32: return p.loadUnaligned(as: SIMD8<Float>.self)
        case .bf16: return widenBF16(p.loadUnaligned(as: SIMD8<UInt16>.self))
        case .f16: return widenF16(p.loadUnaligned(as: SIMD8<UInt16>.self))
        }
    }

    /// One value at element index `i` of `p` as Float32.
    @inlinable @inline(__always)
    public static func load1(_ dtype: WeightDType, _ p: UnsafeRawPointer, _ i: Int) -> Float {
        switch dtype {
        case .f32: return p.loadUnaligned(fromByteOffset: 4 * i, as: Float.self)
        case .bf16: return HalfPrecision.float(fromBFloat16Bits: p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
        case .f16: return HalfPrecision.float(fromFloat16Bits: p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
        }
    }

    /// `count` values of `dtype` at `source` → Float32 at `out`.
    public static func widen(_ dtype: WeightDType, _ source: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>, count n: Int) {
        if dtype != .f32, HalfKernels.level != .none {
            HalfKernels.widen(dtype, source, into: out, count: n)
            return
        }
        switch dtype {
        case .f32:
            UnsafeMutableRawPointer(out).copyMemory(from: source, byteCount: 4 * n)
        case .bf16:
            var i = 0
            while i + 8 <= n {
                UnsafeMutableRawPointer(out + i).storeBytes(of: widenBF16(source.loadUnaligned(fromByteOffset: 2 * i, as: SIMD8<UInt16>.self)), as: SIMD8<Float>.self)
                i += 8
            }
            while i < n { out[i] = load1(.bf16, source, i); i += 1 }
        case .f16:
            var i = 0
            while i + 8 <= n {
                UnsafeMutableRawPointer(out + i).storeBytes(of: widenF16(source.loadUnaligned(fromByteOffset: 2 * i, as: SIMD8<UInt16>.self)), as: SIMD8<Float>.self)
                i += 8
            }
            while i < n { out[i] = load1(.f16, source, i); i += 1 }
        }
    }

    /// The first element whose exponent bits are all ones (NaN or ±Inf), or nil.
    public static func firstNonFinite(_ dtype: WeightDType, _ p: UnsafeRawPointer, count n: Int) -> Int? {
        switch dtype {
        case .f32:
            return firstMatch(p, count: n, as: UInt32.self, mask: 0x7F80_0000)
        case .bf16:
            return firstMatch(p, count: n, as: UInt16.self, mask: 0x7F80)
        case .f16:
            return firstMatch(p, count: n, as: UInt16.self, mask: 0x7C00)
        }
    }

    private static func firstMatch<T: FixedWidthInteger & SIMDScalar>(_ p: UnsafeRawPointer, count n: Int, as: T.Type, mask: T) -> Int? {
        let size = MemoryLayout<T>.size
        let m = SIMD16<T>(repeating: mask)
        var i = 0
        // Blocks of 16 lanes; one any() per block keeps the loop branch-light.
        while i + 16 <= n {
            let v = p.loadUnaligned(fromByteOffset: size * i, as: SIMD16<T>.self)
            if any((v & m) .== m) { break }
            i += 16
        }
        while i < n {
            if p.loadUnaligned(fromByteOffset: size * i, as: T.self) & mask == mask { return i }
            i += 1
        }
        return nil
    }
}
