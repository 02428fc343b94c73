import Foundation
import Testing
import Tensors

@Suite struct VectorMathTests {
    /// Against libm over the range softmax and activations meet.
    @Test func expAndTanhMatchLibm() {
        var worstExp: Float = 0, worstTanh: Float = 0
        var x: Float = -90
        while x < 88 {
            let v = SIMD8<Float>(repeating: x)
            let e = VectorMath.exp(v)[0], reference = expf(x)
            if reference > 1e-30 { worstExp = max(worstExp, abs(e - reference) / reference) }
            else { #expect(e < 1e-30) }
            let t = VectorMath.tanh(v)[0], tr = tanhf(x)
            worstTanh = max(worstTanh, abs(t - tr) / max(abs(tr), 1e-6))
            x += 0.0137
        }
        #expect(worstExp < 5e-7, "exp relative error \(worstExp)")
        #expect(worstTanh < 5e-6, "tanh relative error \(worstTanh)")
        #expect(VectorMath.exp(SIMD8(repeating: -.infinity))[0] == 0)
    }

    @Test func softmaxSumsToOneWithTail() {
        var row: [Float] = (0..<13).map { Float($0) * 0.7 - 3 }
        row.withUnsafeMutableBufferPointer { Kernels.softmax($0.baseAddress!, 13) }
        #expect(abs(row.reduce(0, +) - 1) < 1e-6)
        let reference = (0..<13).map { expf(Float($0) * 0.7 - 3) }
        let total = reference.reduce(0, +)
        for i in 0..<13 { #expect(abs(row[i] - reference[i] / total) < 1e-6) }
    }
}
