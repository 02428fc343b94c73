import CLinearAlgebra
import Tensors

/// The two products a first-order solver needs from the (n, d) data matrix X.
/// Two storages, measured in Benchmarks/probes: a Double copy (dgemv, exact) and the Float32
/// rows as given (sgemv: half the memory traffic, Float32 accumulation inside BLAS).
protocol DesignMatrix {
    var rows: Int { get }
    var columns: Int { get }
    /// z (n) = X · w
    func multiply(_ w: [Double], into z: inout [Double])
    /// g (d) = Xᵀ · r
    func multiplyTransposed(_ r: [Double], into g: inout [Double])
}

/// X held as row-major Double. (n, d)
struct DoubleDesignMatrix: DesignMatrix {
    let values: [Double]
    let rows: Int
    let columns: Int

    func multiply(_ w: [Double], into z: inout [Double]) {
        values.withUnsafeBufferPointer { a in
            cblas_dgemv(CblasRowMajor, CblasNoTrans, Int32(rows), Int32(columns), 1,
                        a.baseAddress, Int32(columns), w, 1, 0, &z, 1)
        }
    }

    func multiplyTransposed(_ r: [Double], into g: inout [Double]) {
        values.withUnsafeBufferPointer { a in
            cblas_dgemv(CblasRowMajor, CblasTrans, Int32(rows), Int32(columns), 1,
                        a.baseAddress, Int32(columns), r, 1, 0, &g, 1)
        }
    }
}

/// X held as row-major Float32 (the activations as stored). (n, d)
struct FloatDesignMatrix: DesignMatrix {
    let values: [Float]
    let rows: Int
    let columns: Int

    func multiply(_ w: [Double], into z: inout [Double]) {
        let wf = w.map { Float($0) }
        var zf = [Float](repeating: 0, count: rows)
        values.withUnsafeBufferPointer { a in
            BLAS.sgemv(m: rows, n: columns, a: a.baseAddress!, x: wf, y: &zf)
        }
        for i in 0..<rows { z[i] = Double(zf[i]) }
    }

    func multiplyTransposed(_ r: [Double], into g: inout [Double]) {
        let rf = r.map { Float($0) }
        var gf = [Float](repeating: 0, count: columns)
        values.withUnsafeBufferPointer { a in
            BLAS.sgemv(trans: true, m: rows, n: columns, a: a.baseAddress!, x: rf, y: &gf)
        }
        for j in 0..<columns { g[j] = Double(gf[j]) }
    }
}
