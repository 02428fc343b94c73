import Dispatch

/// How a weight matrix maps inputs to outputs.
public enum WeightLayout: Sendable {
    /// (out, in), as `torch.nn.Linear` stores it: y = x · Wᵀ.
    case outputMajor
    /// (in, out), as GPT-2's `Conv1D` stores it: y = x · W.
    case inputMajor
}

/// Reusable Float32 scratch for widening half-precision weight panels before `sgemm`.
public final class WeightTile {
    public private(set) var capacity: Int
    public private(set) var pointer: UnsafeMutablePointer<Float>

    /// Panels hold at most this many floats (16 MiB): large enough that `sgemm` re-packs the
    /// activations only a few times per matrix, small beside any model it is used for.
    public static let defaultCapacity = 4 << 20

    public init(capacity: Int = WeightTile.defaultCapacity) {
        self.capacity = capacity
        pointer = .allocate(capacity: capacity)
    }

    deinit { pointer.deallocate() }
}

/// out = x · op(W) for weights in their stored precision, F32 activations and accumulation.
///
/// - F32 weights go to OpenBLAS as they lie (`sgemm`, or `sgemv` for one or two rows).
/// - BF16/F16 with few rows (decode): a GEMV that reads the 16-bit weights directly, widening
///   8 lanes at a time with FMA accumulation, so a decode step streams half the bytes of F32.
/// - BF16/F16 with many rows (prefill): panels of W are widened into a `WeightTile` and each
///   panel is one `sgemm`; the F32 copy of the whole matrix never exists.
public enum WeightProducts {
    /// At most this many rows use the direct half-precision GEMV; more go through tiles + sgemm.
    public static let directRowLimit = 8

    /// out (rows, n) with row stride `ldc` = x (rows, k) · op(W), where op(W) is (k, n):
    /// Wᵀ for `.outputMajor` W (n, k), W for `.inputMajor` W (k, n).
    /// `threads`: how many threads the direct kernels split the output over.
    public static func multiply(_ x: UnsafePointer<Float>, rows: Int, _ w: WeightMatrix, layout: WeightLayout,
                                into out: UnsafeMutablePointer<Float>, ldc: Int? = nil,
                                tile: WeightTile, threads: Int = BLAS.threadCount) {
        let (k, n) = layout == .outputMajor ? (w.columns, w.rows) : (w.rows, w.columns)
        let ldc = ldc ?? n
        guard rows > 0, n > 0 else { return }
        if let f = w.floats {
            if rows <= 2 {
                for r in 0..<rows {
                    if layout == .outputMajor {
                        BLAS.sgemv(m: n, n: k, a: f, x: x + r * k, y: out + r * ldc)
                    } else {
                        BLAS.sgemv(trans: true, m: k, n: n, a: f, x: x + r * k, y: out + r * ldc)
                    }
                }
            } else {
                BLAS.sgemm(transB: layout == .outputMajor, m: rows, n: n, k: k, a: x, lda: k,
                           b: f, ldb: w.columns, c: out, ldc: ldc)
            }
            return
        }
        if rows <= directRowLimit {
            if layout == .outputMajor {
                directOutputMajor(x, rows: rows, w, k: k, n: n, into: out, ldc: ldc, threads: threads)
            } else {
                directInputMajor(x, rows: rows, w, k: k, n: n, into: out, ldc: ldc, threads: threads)
            }
            return
        }
        if layout == .outputMajor {
            // Panels of output features: tile (nb, k) = widen(W[n0 ..< n0 + nb]); out[:, n0...] = x · tileᵀ.
            let nb = max(1, min(n, tile.capacity / k))
            var n0 = 0
            while n0 < n {
                let count = min(nb, n - n0)
                widenRowsParallel(w, n0..<(n0 + count), into: tile.pointer, threads: threads)
                BLAS.sgemm(transB: true, m: rows, n: count, k: k, a: x, lda: k, b: tile.pointer, ldb: k,
                           c: out + n0, ldc: ldc)
                n0 += count
            }
        } else {
            // Panels of input features: tile (kb, n) = widen(W[k0 ..< k0 + kb]); out += x[:, k0...] · tile.
            let kb = max(1, min(k, tile.capacity / n))
            var k0 = 0
            while k0 < k {
                let count = min(kb, k - k0)
                widenRowsParallel(w, k0..<(k0 + count), into: tile.pointer, threads: threads)
                BLAS.sgemm(m: rows, n: n, k: count, a: x + k0, lda: k, b: tile.pointer, ldb: n,
                           beta: k0 == 0 ? 0 : 1, c: out, ldc: ldc)
                k0 += count
            }
        }
    }

    /// Widens rows of `w` into `out`, split over `threads`.
    static func widenRowsParallel(_ w: WeightMatrix, _ range: Range<Int>, into out: UnsafeMutablePointer<Float>, threads: Int) {
        let parts = max(1, min(threads, range.count / 16))
        if parts == 1 {
            w.widenRows(range, into: out)
            return
        }
        let target = SendablePointer(out)
        DispatchQueue.concurrentPerform(iterations: parts) { p in
            let lo = range.lowerBound + range.count * p / parts
            let hi = range.lowerBound + range.count * (p + 1) / parts
            w.widenRows(lo..<hi, into: target.pointer + (lo - range.lowerBound) * w.columns)
        }
    }

    /// out[r, j] = Σ_i x[r, i] · W[j, i] for W (n, k) in 16-bit precision; output features split
    /// over threads, input rows in groups of four so each weight row is read once per group.
    static func directOutputMajor(_ x: UnsafePointer<Float>, rows: Int, _ w: WeightMatrix, k: Int, n: Int,
                                  into out: UnsafeMutablePointer<Float>, ldc: Int, threads: Int) {
        let input = SendableConstPointer(x), output = SendablePointer(out)
        let parts = max(1, min(threads, n / 64))
        let work: @Sendable (Int) -> Void = { p in
            let lo = n * p / parts, hi = n * (p + 1) / parts
            var r0 = 0
            while r0 < rows {
                let group = min(4, rows - r0)
                // Rows past the group's end repeat its last row: wasted FMAs, no branches inside.
                let x0 = input.pointer + r0 * k
                let x1 = input.pointer + (r0 + min(1, group - 1)) * k
                let x2 = input.pointer + (r0 + min(2, group - 1)) * k
                let x3 = input.pointer + (r0 + min(3, group - 1)) * k
                for j in lo..<hi {
                    let sums = dot4(w.dtype, w.base + j * k * w.dtype.byteSize, x0, x1, x2, x3, k)
                    let o = output.pointer + r0 * ldc + j
                    o[0] = sums[0]
                    if group > 1 { o[ldc] = sums[1] }
                    if group > 2 { o[2 * ldc] = sums[2] }
                    if group > 3 { o[3 * ldc] = sums[3] }
                }
                r0 += group
            }
        }
        if parts == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: parts, execute: work) }
    }

    /// Four dot products of one 16-bit weight row (k values) with four F32 rows.
    @inline(__always)
    static func dot4(_ dtype: WeightDType, _ wr: UnsafeRawPointer, _ x0: UnsafePointer<Float>, _ x1: UnsafePointer<Float>,
                     _ x2: UnsafePointer<Float>, _ x3: UnsafePointer<Float>, _ k: Int) -> SIMD4<Float> {
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
        var i = 0
        let size = dtype.byteSize
        while i + 8 <= k {
            let v = WeightConversion.load8(dtype, wr + i * size)
            a0.addProduct(v, UnsafeRawPointer(x0 + i).loadUnaligned(as: SIMD8<Float>.self))
            a1.addProduct(v, UnsafeRawPointer(x1 + i).loadUnaligned(as: SIMD8<Float>.self))
            a2.addProduct(v, UnsafeRawPointer(x2 + i).loadUnaligned(as: SIMD8<Float>.self))
            a3.addProduct(v, UnsafeRawPointer(x3 + i).loadUnaligned(as: SIMD8<Float>.self))
            i += 8
        }
        var s = SIMD4<Float>(a0.sum(), a1.sum(), a2.sum(), a3.sum())
        while i < k {
            let v = WeightConversion.load1(dtype, wr, i)
            s += SIMD4(x0[i], x1[i], x2[i], x3[i]) * v
            i += 1
        }
        return s
    }

    /// out[r, j] = Σ_i x[r, i] · W[i, j] for W (k, n) in 16-bit precision: output columns split
    /// over threads in blocks that stay in L1, each weight row read once per block.
    static func directInputMajor(_ x: UnsafePointer<Float>, rows: Int, _ w: WeightMatrix, k: Int, n: Int,
                                 into out: UnsafeMutablePointer<Float>, ldc: Int, threads: Int) {
        let input = SendableConstPointer(x), output = SendablePointer(out)
        let block = 256
        let blocks = (n + block - 1) / block
        let parts = max(1, min(threads, blocks))
        let size = w.dtype.byteSize
        let work: @Sendable (Int) -> Void = { p in
            var acc = [Float](repeating: 0, count: block * rows)
            acc.withUnsafeMutableBufferPointer { ab in
                let a = ab.baseAddress!
                for b in stride(from: blocks * p / parts, to: blocks * (p + 1) / parts, by: 1) {
                    let j0 = b * block, width = min(block, n - j0)
                    a.update(repeating: 0, count: block * rows)
                    for i in 0..<k {
                        let wr = w.base + (i * n + j0) * size
                        for r in 0..<rows {
                            let xi = SIMD8<Float>(repeating: input.pointer[r * k + i])
                            let ar = a + r * block
                            var j = 0
                            while j + 8 <= width {
                                var v = UnsafeRawPointer(ar + j).loadUnaligned(as: SIMD8<Float>.self)
                                v.addProduct(xi, WeightConversion.load8(w.dtype, wr + j * size))
                                UnsafeMutableRawPointer(ar + j).storeBytes(of: v, as: SIMD8<Float>.self)
                                j += 8
                            }
                            while j < width { ar[j] += xi[0] * WeightConversion.load1(w.dtype, wr, j); j += 1 }
                        }
                    }
                    for r in 0..<rows {
                        (output.pointer + r * ldc + j0).update(from: a + r * block, count: width)
                    }
                }
            }
        }
        if parts == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: parts, execute: work) }
    }
}

/// Raw pointers handed to `concurrentPerform` workers, which write disjoint ranges.
struct SendablePointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    init(_ pointer: UnsafeMutablePointer<Float>) { self.pointer = pointer }
}

struct SendableConstPointer: @unchecked Sendable {
    let pointer: UnsafePointer<Float>
    init(_ pointer: UnsafePointer<Float>) { self.pointer = pointer }
}
