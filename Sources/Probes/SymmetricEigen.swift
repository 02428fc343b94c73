import CLinearAlgebra

/// Top-k eigenpairs of a symmetric matrix via LAPACK dsyevr (RRR; only the requested
/// eigenvectors are computed after the tridiagonal reduction).
enum SymmetricEigen {
    /// `matrix` is (n, n) row-major, upper triangle used (it is overwritten).
    /// Returns eigenvalues in decreasing order and eigenvectors as rows, (k, n).
    static func top(_ k: Int, of matrix: inout [Double], size n: Int) throws -> (values: [Double], vectors: [Double]) {
        var found: Int32 = 0
        var values = [Double](repeating: 0, count: n)
        var vectors = [Double](repeating: 0, count: n * k)  // (n, k) row-major
        var support = [Int32](repeating: 0, count: 2 * max(k, 1))
        let info = LAPACKE_dsyevr(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "I")),
                                  CChar(UInt8(ascii: "U")), Int32(n), &matrix, Int32(n),
                                  0, 0, Int32(n - k + 1), Int32(n), 0,
                                  &found, &values, &vectors, Int32(k), &support)
        guard info == 0, found == k else { throw ProbeError.linearAlgebra(routine: "LAPACKE_dsyevr", info: info) }
        // LAPACK returns ascending order: reverse, and transpose columns into rows.
        var rows = [Double](repeating: 0, count: k * n)
        var descending = [Double](repeating: 0, count: k)
        for c in 0..<k {
            let source = k - 1 - c
            descending[c] = values[source]
            for i in 0..<n { rows[c * n + i] = vectors[i * k + source] }
        }
        return (descending, rows)
    }
}
