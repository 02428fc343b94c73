import Foundation
import Testing
@testable import Tensors

/// The C half-precision kernels: every vector path this CPU has, against a double-precision
/// reference and against the Swift kernels; the widening bit for bit over every 16-bit pattern.
@Suite("Half-precision C kernels")
struct HalfKernelsTests {
    /// The vector paths this machine can run (none on CPUs without AVX2, then the tests are empty).
    static let levels = HalfKernels.Level.allCases.filter { $0 != .none && $0 <= HalfKernels.available }

    struct Case: CustomTestStringConvertible, Sendable {
        var level: HalfKernels.Level
        var dtype: WeightDType
        var k: Int
        var testDescription: String { "\(level) \(dtype.rawValue) k \(k)" }
    }

    /// Widths below, at and past each path's lanes (8, 16, 32 per step) and its masked tails.
    static let cases: [Case] = levels.flatMap { level in
        [WeightDType.bf16, .f16].flatMap { dtype in
            [1, 7, 8, 15, 16, 17, 31, 32, 33, 75, 130].map { Case(level: level, dtype: dtype, k: $0) }
        }
    }

    @Test(arguments: cases)
    func gemvMatchesReference(_ c: Case) {
        let n = 203
        let (w, rounded) = WeightProductsTests.matrix(c.dtype, rows: n, columns: c.k, seed: 17)
        var rng = SplitMix64(seed: 19)
        for rows in [1, 2, 3, 4, 5, 8] {
            let x = (0..<(rows * c.k)).map { _ in Float(rng.nextUnit() * 2 - 1) }
            let ldc = n + 2
            var out = [Float](repeating: 42, count: rows * ldc)
            var swift = [Float](repeating: 0, count: rows * n)
            x.withUnsafeBufferPointer { xb in
                out.withUnsafeMutableBufferPointer { ob in
                    HalfKernels.gemv(xb.baseAddress!, rows: rows, w, into: ob.baseAddress!, ldc: ldc, threads: 2, level: c.level)
                }
                swift.withUnsafeMutableBufferPointer { sb in
                    if c.dtype == .bf16 {
                        WeightProducts.directOutputMajor(BF16Lanes.self, xb.baseAddress!, rows: rows, w, k: c.k, n: n,
                                                         into: sb.baseAddress!, ldc: n, threads: 1)
                    } else {
                        WeightProducts.directOutputMajor(F16Lanes.self, xb.baseAddress!, rows: rows, w, k: c.k, n: n,
                                                         into: sb.baseAddress!, ldc: n, threads: 1)
                    }
                }
            }
            var worst = 0.0, worstSwift: Float = 0
            for r in 0..<rows {
                for j in 0..<n {
                    var expected = 0.0
                    for i in 0..<c.k { expected += Double(x[r * c.k + i]) * Double(rounded[j * c.k + i]) }
                    worst = max(worst, abs(Double(out[r * ldc + j]) - expected))
                    worstSwift = max(worstSwift, abs(out[r * ldc + j] - swift[r * n + j]))
                }
                for j in n..<ldc { #expect(out[r * ldc + j] == 42, "rows \(rows): column \(j) past the output was written") }
            }
            #expect(worst <= 1e-5 * Double(c.k), "rows \(rows): largest absolute error \(worst)")
            #expect(worstSwift <= 1e-5 * Float(c.k), "rows \(rows): largest difference from the Swift kernel \(worstSwift)")
        }
    }

    @Test(arguments: levels)
    func widenIsExactForEveryBitPattern(_ level: HalfKernels.Level) {
        let bits = (0...UInt16.max).map { $0 }
        for dtype in [WeightDType.bf16, .f16] {
            // An odd count, so the last lanes go through each path's tail.
            let count = bits.count - 3
            var out = [Float](repeating: 0, count: count)
            bits.withUnsafeBytes { b in
                out.withUnsafeMutableBufferPointer { HalfKernels.widen(dtype, b.baseAddress!, into: $0.baseAddress!, count: count, level: level) }
            }
            var mismatches = 0
            for i in 0..<count {
                let expected = dtype == .bf16 ? HalfPrecision.float(fromBFloat16Bits: bits[i]) : HalfPrecision.float(fromFloat16Bits: bits[i])
                let same = expected.isNaN ? out[i].isNaN : out[i].bitPattern == expected.bitPattern
                if !same { mismatches += 1 }
            }
            #expect(mismatches == 0, "\(dtype.rawValue): \(mismatches) of \(count) patterns differ")
        }
    }

    /// The path chosen at run time is the one the CPU's flags allow (Linux: /proc/cpuinfo).
    @Test func detectedPathFollowsTheCPUFlags() throws {
        #if arch(x86_64) && os(Linux)
        let info = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let flagsLine = try #require(info.split(separator: "\n").first { $0.hasPrefix("flags") })
        let flags = Set(flagsLine.split(separator: ":")[1].split(separator: " ").map(String.init))
        let expected: HalfKernels.Level = flags.isSuperset(of: ["avx512f", "avx512bw"]) ? .avx512
            : flags.isSuperset(of: ["avx2", "fma", "f16c"]) ? .avx2 : .none
        #expect(HalfKernels.available == expected)
        #expect(HalfKernels.level <= HalfKernels.available)
        #endif
    }
}
