/// Vectorised exp, tanh, sigmoid over SIMD8 lanes: libm's expf/tanhf are scalar calls and took a
/// fifth of a GPT-2 prefill. Accuracy: a few ulp over the range activations and softmax use.
public enum VectorMath {
    /// e^x per lane (Cephes-style: x = n·ln2 + r, |r| ≤ ln2/2, degree-6 polynomial, then 2^n).
    @inlinable @inline(__always)
    public static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> {
        // Clamped with masks, not `clamped(lowerBound:upperBound:)`: that one compiled to two
        // out-of-line lane-by-lane calls and was a third of the trainer's SwiGLU backward.
        let low = SIMD8<Float>(repeating: -87.3), high = SIMD8<Float>(repeating: 88.3)
        let clamped = x.replacing(with: low, where: x .< low).replacing(with: high, where: x .> high)
        // Round x·log2(e) to an integer n with the 1.5·2^23 trick: the sum's low mantissa bits
        // hold n, so both n (as a float) and 2^n (as bits) come without a scalar conversion.
        let magic = SIMD8<Float>(repeating: 12582912)
        let shifted = clamped * 1.44269504088896341 + magic
        let n = shifted - magic
        // Two-constant Cody–Waite reduction keeps r accurate.
        var r = clamped - n * 0.693359375
        r = r - n * -2.12194440e-4
        var p = SIMD8<Float>(repeating: 1.9875691500e-4)
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        let r2 = r * r
        let e = p * r2 + r + 1
        let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let scale = unsafeBitCast((integer &+ 127) &<< 23, to: SIMD8<Float>.self)
        let result = e * scale
        // Underflow to 0 below the clamp, as expf does.
        return result.replacing(with: 0, where: x .< SIMD8<Float>(repeating: -87.3))
    }

    /// tanh per lane: 1 − 2 / (e^{2x} + 1), saturating for |x| > 9 where Float tanh is ±1.
    @inlinable @inline(__always)
    public static func tanh(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let small = (x .< SIMD8<Float>(repeating: 0.0625)) .& (x .> SIMD8<Float>(repeating: -0.0625))
        // Near zero the subtraction loses bits: use the odd series x − x³/3 + 2x⁵/15.
        let x2 = x * x
        let series = x * (1 + x2 * (SIMD8<Float>(repeating: -1.0 / 3) + x2 * (2.0 / 15)))
        let twice = 2 * x, low = SIMD8<Float>(repeating: -18), high = SIMD8<Float>(repeating: 18)
        let e = exp(twice.replacing(with: low, where: twice .< low).replacing(with: high, where: twice .> high))
        let full = 1 - 2 / (e + 1)
        return full.replacing(with: series, where: small)
    }

    /// Applies `f` to `n` floats at `x` in place, 8 at a time, the tail padded.
    @inlinable @inline(__always)
    public static func map(_ x: UnsafeMutablePointer<Float>, _ n: Int, _ f: (SIMD8<Float>) -> SIMD8<Float>) {
        var i = 0
        let raw = UnsafeMutableRawPointer(x)
        while i + 8 <= n {
            let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            raw.storeBytes(of: f(v), toByteOffset: i * 4, as: SIMD8<Float>.self)
            i += 8
        }
        if i < n {
            var tail = SIMD8<Float>()
            for j in 0..<(n - i) { tail[j] = x[i + j] }
            let out = f(tail)
            for j in 0..<(n - i) { x[i + j] = out[j] }
        }
    }
}
