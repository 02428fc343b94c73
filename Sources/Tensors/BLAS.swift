import CLinearAlgebra

/// Thin wrappers over OpenBLAS. Every product of more than one row goes through `sgemm`.
public enum BLAS {
    /// C (m, n) = alpha · op(A) · op(B) + beta · C, all row-major.
    /// op(A) is (m, k): A is (m, k) when `transA` is false, (k, m) when true; likewise B.
    @inlinable
    public static func sgemm(
        transA: Bool = false, transB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int? = nil,
        b: UnsafePointer<Float>, ldb: Int? = nil,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int? = nil
    ) {
        let lda = lda ?? (transA ? m : k)
        let ldb = ldb ?? (transB ? k : n)
        let ldc = ldc ?? n
        cblas_sgemm(CblasRowMajor,
                    transA ? CblasTrans : CblasNoTrans,
                    transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha,
                    a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// y (m) = alpha · op(A) · x + beta · y with A (m, n) row-major (or its transpose).
    @inlinable
    public static func sgemv(
        trans: Bool = false, m: Int, n: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int? = nil,
        x: UnsafePointer<Float>, beta: Float = 0, y: UnsafeMutablePointer<Float>
    ) {
        cblas_sgemv(CblasRowMajor, trans ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), alpha, a, Int32(lda ?? n), x, 1, beta, y, 1)
    }

    /// The number of threads OpenBLAS uses.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    public static func setThreadCount(_ n: Int) { openblas_set_num_threads(Int32(n)) }
}

extension Tensor {
    /// (m, k) · (k, n) → (m, n) for 2-D tensors; `transposeRight` reads `other` as (n, k).
    public func matmul(_ other: Tensor, transposeRight: Bool = false) -> Tensor {
        precondition(rank == 2 && other.rank == 2, "matmul needs 2-D tensors")
        let m = shape[0], k = shape[1]
        let n = transposeRight ? other.shape[0] : other.shape[1]
        precondition((transposeRight ? other.shape[1] : other.shape[0]) == k,
                     "matmul: shapes \(shape) and \(other.shape) do not chain")
        var out = Tensor(zeros: [m, n])
        storage.withUnsafeBufferPointer { a in
            other.storage.withUnsafeBufferPointer { b in
                out.storage.withUnsafeMutableBufferPointer { c in
                    BLAS.sgemm(transB: transposeRight, m: m, n: n, k: k,
                               a: a.baseAddress!, b: b.baseAddress!, c: c.baseAddress!)
                }
            }
        }
        return out
    }
}
