import CLinearAlgebra
import Tensors

/// The data matrix X (n, d) as a first-order solver reads it: one pass that computes
/// z = X·w, turns each zᵢ into a residual rᵢ, and accumulates g = Xᵀ·r.
///
/// The pass walks blocks of rows of about 4 MiB: each block is multiplied twice (gemv, then
/// transposed gemv) while it is still in cache, so X streams from memory once per evaluation
/// instead of twice. That is what makes a memory-bound solve fast (Benchmarks/probes).
/// Two storages: a Double copy (dgemv) and Float32 rows (sgemv: half the memory traffic,
/// Float32 accumulation inside BLAS).
protocol DesignMatrix {
    var rows: Int { get }
    var columns: Int { get }
    /// g (d) = Xᵀ r where rᵢ = residual(i, (X·w)ᵢ).
    func multiplyBothWays(_ w: [Double], gradient g: inout [Double], residual: (Int, Double) -> Double)
}

/// Rows per cache block: ~4 MiB of `bytes`-wide elements, at least 8 rows.
private func blockRows(columns: Int, bytes: Int) -> Int {
    max(8, (1 << 22) / max(columns * bytes, 1))
}

/// X held as row-major Double. (n, d)
struct DoubleDesignMatrix: DesignMatrix {
    let values: [Double]
    let rows: Int
    let columns: Int

    func multiplyBothWays(_ w: [Double], gradient g: inout [Double], residual: (Int, Double) -> Double) {
        let block = blockRows(columns: columns, bytes: 8)
        var z = [Double](repeating: 0, count: block)
        for j in 0..<columns { g[j] = 0 }
        values.withUnsafeBufferPointer { a in
            guard let a = a.baseAddress else { return }
            var start = 0
            while start < rows {
                let m = min(block, rows - start)
                let x = a + start * columns  // (m, d)
                cblas_dgemv(CblasRowMajor, CblasNoTrans, Int32(m), Int32(columns), 1, x, Int32(columns), w, 1, 0, &z, 1)
                for i in 0..<m { z[i] = residual(start + i, z[i]) }
                cblas_dgemv(CblasRowMajor, CblasTrans, Int32(m), Int32(columns), 1, x, Int32(columns), z, 1, 1, &g, 1)
                start += m
            }
        }
    }
}

/// X held as row-major Float32 (the activations as stored). (n, d)
struct FloatDesignMatrix: DesignMatrix {
    let values: [Float]
    let rows: Int
    let columns: Int

    func multiplyBothWays(_ w: [Double], gradient g: inout [Double], residual: (Int, Double) -> Double) {
        let block = blockRows(columns: columns, bytes: 4)
        let wf = w.map { Float($0) }
        var z = [Float](repeating: 0, count: block)
        var gf = [Float](repeating: 0, count: columns)
        values.withUnsafeBufferPointer { a in
            guard let a = a.baseAddress else { return }
            var start = 0
            while start < rows {
                let m = min(block, rows - start)
                let x = a + start * columns  // (m, d)
                BLAS.sgemv(m: m, n: columns, a: x, x: wf, y: &z)
                for i in 0..<m { z[i] = Float(residual(start + i, Double(z[i]))) }
                BLAS.sgemv(trans: true, m: m, n: columns, a: x, x: z, beta: 1, y: &gf)
                start += m
            }
        }
        for j in 0..<columns { g[j] = Double(gf[j]) }
    }
}
