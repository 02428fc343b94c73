import Testing
@testable import Tensors

/// The half-precision products against a plain double-precision reference on the widened
/// weights: every dtype, both layouts, row counts on both sides of the GEMV/tile switch, widths
/// that are not multiples of the SIMD lanes, and tiles small enough to need several panels.
@Suite("Products with weights in their stored precision")
struct WeightProductsTests {
    /// A (rows, columns) matrix in `dtype` holding `values` rounded to it, and the rounded values.
    static func matrix(_ dtype: WeightDType, rows: Int, columns: Int, seed: UInt64) -> (WeightMatrix, [Float]) {
        var rng = SplitMix64(seed: seed)
        let values = (0..<(rows * columns)).map { _ in Float(rng.nextUnit() * 2 - 1) }
        let buffer = WeightBuffer(byteCount: values.count * dtype.byteSize)
        var rounded = values
        for (i, v) in values.enumerated() {
            switch dtype {
            case .f32:
                buffer.bytes.storeBytes(of: v, toByteOffset: 4 * i, as: Float.self)
            case .bf16:
                let bits = HalfPrecision.bfloat16Bits(from: v)
                buffer.bytes.storeBytes(of: bits, toByteOffset: 2 * i, as: UInt16.self)
                rounded[i] = HalfPrecision.float(fromBFloat16Bits: bits)
            case .f16:
                let bits = HalfPrecision.float16Bits(from: v)
                buffer.bytes.storeBytes(of: bits, toByteOffset: 2 * i, as: UInt16.self)
                rounded[i] = HalfPrecision.float(fromFloat16Bits: bits)
            }
        }
        return (WeightMatrix(dtype: dtype, rows: rows, columns: columns, base: UnsafeRawPointer(buffer.bytes), owner: buffer), rounded)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var dtype: WeightDType
        var layout: WeightLayout
        var rows: Int
        var threads: Int
        var testDescription: String { "\(dtype.rawValue) \(layout) rows \(rows) threads \(threads)" }
    }

    static let cases: [Case] = WeightDType.allCases.flatMap { dtype in
        [WeightLayout.outputMajor, .inputMajor].flatMap { layout in
            [1, 2, 3, 5, 8, 9, 33].flatMap { rows in [1, 2].map { Case(dtype: dtype, layout: layout, rows: rows, threads: $0) } }
        }
    }

    @Test(arguments: cases)
    func matchesReference(_ c: Case) {
        let k = 75, n = 203  // neither a multiple of 8 nor of 16
        let (w, rounded) = c.layout == .outputMajor
            ? Self.matrix(c.dtype, rows: n, columns: k, seed: 7) : Self.matrix(c.dtype, rows: k, columns: n, seed: 7)
        var rng = SplitMix64(seed: 11)
        let x = (0..<(c.rows * k)).map { _ in Float(rng.nextUnit() * 2 - 1) }
        // An output wider than n (ldc > n) with sentinels that must survive.
        let ldc = n + 3
        var out = [Float](repeating: 42, count: c.rows * ldc)
        // A tile of 1,000 floats holds 13 rows of 75 or 4 rows of 203: several panels either way.
        let tile = WeightTile(capacity: 1000)
        x.withUnsafeBufferPointer { xb in
            out.withUnsafeMutableBufferPointer { ob in
                WeightProducts.multiply(xb.baseAddress!, rows: c.rows, w, layout: c.layout, into: ob.baseAddress!,
                                        ldc: ldc, tile: tile, threads: c.threads)
            }
        }
        var worst = 0.0
        for r in 0..<c.rows {
            for j in 0..<n {
                var expected = 0.0
                for i in 0..<k {
                    let weight = c.layout == .outputMajor ? rounded[j * k + i] : rounded[i * n + j]
                    expected += Double(x[r * k + i]) * Double(weight)
                }
                worst = max(worst, abs(Double(out[r * ldc + j]) - expected))
            }
            for j in n..<ldc { #expect(out[r * ldc + j] == 42, "column \(j) past the output was written") }
        }
        #expect(worst <= 1e-4, "largest absolute error \(worst)")
    }

    /// A wide (n, k) matrix with k > 2n, as an MLP's down projection: the tiled path cuts it into
    /// panels of input features (four here: 65, 65, 65 and 8 columns) and accumulates the output.
    @Test(arguments: [WeightDType.bf16, .f16])
    func wideMatrixInInputPanelsMatchesReference(_ dtype: WeightDType) {
        let k = 203, n = 20, rows = 11
        let (w, rounded) = Self.matrix(dtype, rows: n, columns: k, seed: 23)
        var rng = SplitMix64(seed: 29)
        let x = (0..<(rows * k)).map { _ in Float(rng.nextUnit() * 2 - 1) }
        let ldc = n + 1
        var out = [Float](repeating: 42, count: rows * ldc)
        let tile = WeightTile(capacity: 65 * n)
        x.withUnsafeBufferPointer { xb in
            out.withUnsafeMutableBufferPointer { ob in
                WeightProducts.multiply(xb.baseAddress!, rows: rows, w, layout: .outputMajor, into: ob.baseAddress!,
                                        ldc: ldc, tile: tile, threads: 2)
            }
        }
        var worst = 0.0
        for r in 0..<rows {
            for j in 0..<n {
                var expected = 0.0
                for i in 0..<k { expected += Double(x[r * k + i]) * Double(rounded[j * k + i]) }
                worst = max(worst, abs(Double(out[r * ldc + j]) - expected))
            }
            #expect(out[r * ldc + n] == 42, "row \(r): the column past the output was written")
        }
        #expect(worst <= 1e-4, "largest absolute error \(worst)")
    }

    @Test func tileGrowsWithTheModel() {
        #expect(WeightTile.capacity(forParameters: 500_000_000) == WeightTile.defaultCapacity)
        #expect(WeightTile.capacity(forParameters: 4_000_000_000) == 4_000_000_000 / 512)
        #expect(WeightTile.capacity(forParameters: 70_000_000_000) == 16 << 20)
    }

    @Test func widenMatchesScalarConversion() {
        for dtype in WeightDType.allCases {
            let (w, rounded) = Self.matrix(dtype, rows: 3, columns: 37, seed: 3)
            #expect(w.floatArray() == rounded, "\(dtype.rawValue)")
            var row = [Float](repeating: 0, count: 37)
            row.withUnsafeMutableBufferPointer { w.widenRows(2..<3, into: $0.baseAddress!) }
            #expect(row == Array(rounded[74..<111]), "\(dtype.rawValue) row 2")
        }
    }

    @Test func nonFiniteValuesAreFound() {
        for dtype in WeightDType.allCases {
            let (clean, _) = Self.matrix(dtype, rows: 5, columns: 41, seed: 5)
            #expect(clean.firstNonFiniteIndex() == nil, "\(dtype.rawValue)")
            for (index, bad) in [(3, Float.nan), (40, Float.infinity), (204, -Float.infinity)] {
                let buffer = WeightBuffer(byteCount: clean.byteCount)
                buffer.bytes.copyMemory(from: clean.base, byteCount: clean.byteCount)
                switch dtype {
                case .f32: buffer.bytes.storeBytes(of: bad, toByteOffset: 4 * index, as: Float.self)
                case .bf16: buffer.bytes.storeBytes(of: HalfPrecision.bfloat16Bits(from: bad), toByteOffset: 2 * index, as: UInt16.self)
                case .f16: buffer.bytes.storeBytes(of: HalfPrecision.float16Bits(from: bad), toByteOffset: 2 * index, as: UInt16.self)
                }
                let dirty = WeightMatrix(dtype: dtype, rows: 5, columns: 41, base: UnsafeRawPointer(buffer.bytes), owner: buffer)
                #expect(dirty.firstNonFiniteIndex() == index, "\(dtype.rawValue) \(bad) at \(index)")
            }
        }
    }
}
