import Testing
import Tensors

@Suite struct HalfPrecisionTests {
    @Test func float16RoundTripsEveryFiniteHalf() {
        for bits in UInt16.min...UInt16.max {
            let f = HalfPrecision.float(fromFloat16Bits: bits)
            if f.isNaN { continue }
            #expect(HalfPrecision.float16Bits(from: f) == bits || (f == 0 && bits == 0x8000))
        }
    }

    @Test func float16KnownValues() {
        #expect(HalfPrecision.float(fromFloat16Bits: 0x3C00) == 1)
        #expect(HalfPrecision.float(fromFloat16Bits: 0xC000) == -2)
        #expect(HalfPrecision.float(fromFloat16Bits: 0x7BFF) == 65504)
        #expect(HalfPrecision.float(fromFloat16Bits: 0x0001) == 5.9604644775390625e-08)
        #expect(HalfPrecision.float(fromFloat16Bits: 0x7C00) == .infinity)
        // Ties round to even: 1 + 2^-11 lies halfway between 1 and 1 + 2^-10.
        #expect(HalfPrecision.float16Bits(from: 1 + 0.00048828125) == 0x3C00)
        #expect(HalfPrecision.float16Bits(from: 1e6) == 0x7C00)
    }

    @Test func bfloat16() {
        #expect(HalfPrecision.float(fromBFloat16Bits: 0x3F80) == 1)
        #expect(HalfPrecision.bfloat16Bits(from: 1) == 0x3F80)
        #expect(HalfPrecision.bfloat16Bits(from: -3.140625) == 0xC049)
    }
}

@Suite struct MatmulTests {
    @Test func matmulMatchesNaiveProduct() {
        let a = Tensor(shape: [2, 3], storage: [1, 2, 3, 4, 5, 6])
        let b = Tensor(shape: [3, 2], storage: [7, 8, 9, 10, 11, 12])
        #expect(a.matmul(b).storage == [58, 64, 139, 154])
        #expect(a.matmul(b.transposed(), transposeRight: true).storage == [58, 64, 139, 154])
    }
}
