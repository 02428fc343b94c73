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

    /// The tile for a model of `parameters` weights: 1/512 of them (0.4% of the BF16 bytes),
    /// between `defaultCapacity` and 16M floats (64 MiB). Each panel is one `sgemm`, which packs
    /// the activations it multiplies anew, so fewer, larger panels pack them fewer times (with the
    /// input-feature panels below, an 8B prefill went from 0.76 to 0.84 of sgemm).
    public static func capacity(forParameters parameters: Int) -> Int {
        min(16 << 20, max(defaultCapacity, parameters / 512))
    }

    public init(capacity: Int = WeightTile.defaultCapacity) {
        self.capacity = capacity
        pointer = .allocate(capacity: capacity)
    }

    /// Grows the tile to hold at least `count` floats (one row of a very wide matrix).
    public func ensure(_ count: Int) {
        guard count > capacity else { return }
        pointer.deallocate()
        pointer = .allocate(capacity: count)
        capacity = count
    }

    deinit { pointer.deallocate() }
}

/// out = x · op(W) for weights in their stored precision, F32 activations and accumulation.
///
/// - F32 weights go to OpenBLAS as they lie (`sgemm`, or `sgemv` for one or two rows).
/// - BF16/F16 with few rows (decode): a GEMV that reads the 16-bit weights directly with FMA
///   accumulation, so a decode step streams half the bytes of F32: the C kernels of `HalfKernels`
///   (AVX-512 or AVX2, with prefetch) where the CPU has them, else the Swift kernels below.
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
            // The dtype is chosen once here, so the inner loops are specialised and branch-free.
            switch (layout, w.dtype) {
            case (.outputMajor, _) where HalfKernels.level != .none:
                HalfKernels.gemv(x, rows: rows, w, into: out, ldc: ldc, threads: threads)
            case (.outputMajor, .bf16): directOutputMajor(BF16Lanes.self, x, rows: rows, w, k: k, n: n, into: out, ldc: ldc, threads: threads)
            case (.outputMajor, _): directOutputMajor(F16Lanes.self, x, rows: rows, w, k: k, n: n, into: out, ldc: ldc, threads: threads)
            case (.inputMajor, .bf16): directInputMajor(BF16Lanes.self, x, rows: rows, w, k: k, n: n, into: out, ldc: ldc, threads: threads)
            case (.inputMajor, _): directInputMajor(F16Lanes.self, x, rows: rows, w, k: k, n: n, into: out, ldc: ldc, threads: threads)
            }
            return
        }
        // A panel holds at least one whole row of W.
        tile.ensure(w.columns)
        if layout == .outputMajor && k > 2 * n && tile.capacity / n >= 64 {
            // A wide matrix (an MLP's down projection): panels of input features, so the activations
            // are packed once in all rather than once per panel. tile (n, kb) = widen(W[:, k0 ..< k0 + kb]);
            // out += x[:, k0...] · tileᵀ. Each panel re-reads the output (2·rows·n) instead of the
            // input (rows·k): fewer bytes whenever k > 2n.
            let kb = min(k, tile.capacity / n)
            var k0 = 0
            while k0 < k {
                let count = min(kb, k - k0)
                widenColumnsParallel(w, k0..<(k0 + count), into: tile.pointer, threads: threads)
                BLAS.sgemm(transB: true, m: rows, n: n, k: count, a: x + k0, lda: k, b: tile.pointer, ldb: count,
                           beta: k0 == 0 ? 0 : 1, c: out, ldc: ldc)
                k0 += count
            }
        } else if layout == .outputMajor {
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

    /// Widens columns `range` of every row of `w` into `out` ((w.rows, range.count) Float32,
    /// contiguous), split over `threads`.
    static func widenColumnsParallel(_ w: WeightMatrix, _ range: Range<Int>, into out: UnsafeMutablePointer<Float>, threads: Int) {
        let width = range.count
        let target = SendablePointer(out)
        let widenRows: @Sendable (Int, Int) -> Void = { lo, hi in
            for j in lo..<hi {
                w.widenElements(from: j * w.columns + range.lowerBound, count: width, into: target.pointer + j * width)
            }
        }
        let parts = max(1, min(threads, w.rows / 16))
        if parts == 1 { widenRows(0, w.rows); return }
        DispatchQueue.concurrentPerform(iterations: parts) { p in widenRows(w.rows * p / parts, w.rows * (p + 1) / parts) }
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
    static func directOutputMajor<L: HalfLanes>(_: L.Type, _ x: UnsafePointer<Float>, rows: Int, _ w: WeightMatrix, k: Int, n: Int,
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
                if group == 1 {
                    // Decode at batch 1: one row, two accumulators to hide the FMA latency.
                    for j in lo..<hi {
                        output.pointer[r0 * ldc + j] = dot1(L.self, w.base + j * k * 2, x0, k)
                    }
                    r0 += 1
                    continue
                }
                for j in lo..<hi {
                    let sums = dot4(L.self, w.base + j * k * 2, x0, x1, x2, x3, k)
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

    /// One dot product of a 16-bit weight row (k values) with an F32 row.
    @inline(__always)
    static func dot1<L: HalfLanes>(_: L.Type, _ wr: UnsafeRawPointer, _ x: UnsafePointer<Float>, _ k: Int) -> Float {
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>()
        var i = 0
        while i + 16 <= k {
            a0.addProduct(L.load8(wr + 2 * i), UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self))
            a1.addProduct(L.load8(wr + 2 * (i + 8)), UnsafeRawPointer(x + i + 8).loadUnaligned(as: SIMD8<Float>.self))
            i += 16
        }
        if i + 8 <= k {
            a0.addProduct(L.load8(wr + 2 * i), UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self))
            i += 8
        }
        var s = (a0 + a1).sum()
        while i < k { s += x[i] * L.load1(wr, i); i += 1 }
        return s
    }

    /// Four dot products of one 16-bit weight row (k values) with four F32 rows.
    @inline(__always)
    static func dot4<L: HalfLanes>(_: L.Type, _ wr: UnsafeRawPointer, _ x0: UnsafePointer<Float>, _ x1: UnsafePointer<Float>,
                     _ x2: UnsafePointer<Float>, _ x3: UnsafePointer<Float>, _ k: Int) -> SIMD4<Float> {
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
        var i = 0
        while i + 8 <= k {
            let v = L.load8(wr + 2 * i)
            a0.addProduct(v, UnsafeRawPointer(x0 + i).loadUnaligned(as: SIMD8<Float>.self))
            a1.addProduct(v, UnsafeRawPointer(x1 + i).loadUnaligned(as: SIMD8<Float>.self))
            a2.addProduct(v, UnsafeRawPointer(x2 + i).loadUnaligned(as: SIMD8<Float>.self))
            a3.addProduct(v, UnsafeRawPointer(x3 + i).loadUnaligned(as: SIMD8<Float>.self))
            i += 8
        }
        var s = SIMD4<Float>(a0.sum(), a1.sum(), a2.sum(), a3.sum())
        while i < k {
            let v = L.load1(wr, i)
            s += SIMD4(x0[i], x1[i], x2[i], x3[i]) * v
            i += 1
        }
        return s
    }

    /// out[r, j] = Σ_i x[r, i] · W[i, j] for W (k, n) in 16-bit precision: output columns split
    /// over threads in blocks that stay in L1, each weight row read once per block.
    static func directInputMajor<L: HalfLanes>(_: L.Type, _ x: UnsafePointer<Float>, rows: Int, _ w: WeightMatrix, k: Int, n: Int,
                                 into out: UnsafeMutablePointer<Float>, ldc: Int, threads: Int) {
        let input = SendableConstPointer(x), output = SendablePointer(out)
        let block = 256
        let blocks = (n + block - 1) / block
        let parts = max(1, min(threads, blocks))
        let work: @Sendable (Int) -> Void = { p in
            var acc = [Float](repeating: 0, count: block * rows)
            acc.withUnsafeMutableBufferPointer { ab in
                let a = ab.baseAddress!
                for b in stride(from: blocks * p / parts, to: blocks * (p + 1) / parts, by: 1) {
                    let j0 = b * block, width = min(block, n - j0)
                    a.update(repeating: 0, count: block * rows)
                    for i in 0..<k {
                        let wr = w.base + (i * n + j0) * 2
                        for r in 0..<rows {
                            let xi = SIMD8<Float>(repeating: input.pointer[r * k + i])
                            let ar = a + r * block
                            var j = 0
                            while j + 8 <= width {
                                var v = UnsafeRawPointer(ar + j).loadUnaligned(as: SIMD8<Float>.self)
                                v.addProduct(xi, L.load8(wr + 2 * j))
                                UnsafeMutableRawPointer(ar + j).storeBytes(of: v, as: SIMD8<Float>.self)
                                j += 8
                            }
                            while j < width { ar[j] += xi[0] * L.load1(wr, j); j += 1 }
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

/// 16-bit weight lanes widened to Float32, one conformance per stored format, so that the
/// direct kernels are specialised per format.
protocol HalfLanes {
    static func load8(_ p: UnsafeRawPointer) -> SIMD8<Float>
    static func load1(_ p: UnsafeRawPointer, _ i: Int) -> Float
}

enum BF16Lanes: HalfLanes {
    @inline(__always) static func load8(_ p: UnsafeRawPointer) -> SIMD8<Float> {
        WeightConversion.widenBF16(p.loadUnaligned(as: SIMD8<UInt16>.self))
    }
    @inline(__always) static func load1(_ p: UnsafeRawPointer, _ i: Int) -> Float {
        HalfPrecision.float(fromBFloat16Bits: p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
    }
}

enum F16Lanes: HalfLanes {
    @inline(__always) static func load8(_ p: UnsafeRawPointer) -> SIMD8<Float> {
        WeightConversion.widenF16(p.loadUnaligned(as: SIMD8<UInt16>.self))
    }
    @inline(__always) static func load1(_ p: UnsafeRawPointer, _ i: Int) -> Float {
        HalfPrecision.float(fromFloat16Bits: p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
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
