#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Rotary position embeddings as `LlamaRotaryEmbedding` + `apply_rotary_pos_emb` compute them
/// (transformers/models/llama/modeling_llama.py): the non-interleaved "rotate half" layout, with
/// inverse frequencies and angles in Float32 like the reference so positions round the same way.
/// The backward pass is the inverse rotation.
public struct RotaryEmbedding: Sendable {
    public let headDim: Int
    /// (headDim / 2)
    public let inverseFrequencies: [Float]

    public init(headDim: Int, inverseFrequencies: [Float]) {
        precondition(inverseFrequencies.count == headDim / 2, "RotaryEmbedding: need headDim / 2 frequencies")
        self.headDim = headDim
        self.inverseFrequencies = inverseFrequencies
    }

    /// 1 / theta^(2i / headDim), unscaled.
    public static func frequencies(headDim: Int, theta: Double) -> [Float] {
        (0..<(headDim / 2)).map { i in 1 / powf(Float(theta), Float(2 * i) / Float(headDim)) }
    }

    /// Llama 3.1's frequency-dependent scaling (transformers.modeling_rope_utils._compute_llama3_parameters).
    public static func llama3Scaled(_ frequencies: [Float], factor: Double, lowFreqFactor: Double,
                                    highFreqFactor: Double, originalMaxPositions: Int) -> [Float] {
        let oldContext = Float(originalMaxPositions)
        let lowWavelength = oldContext / Float(lowFreqFactor)
        let highWavelength = oldContext / Float(highFreqFactor)
        return frequencies.map { f in
            let wavelength = 2 * Float.pi / f
            if wavelength < highWavelength { return f }
            if wavelength > lowWavelength { return f / Float(factor) }
            let smooth = (oldContext / wavelength - Float(lowFreqFactor)) / Float(highFreqFactor - lowFreqFactor)
            return (1 - smooth) * f / Float(factor) + smooth * f
        }
    }

    /// Rotates `heads` consecutive head vectors of `headDim` floats at `x` for `position`;
    /// `inverse` rotates back (the backward pass of the rotation).
    @inline(__always)
    public func apply(_ x: UnsafeMutablePointer<Float>, heads: Int, position: Int, inverse: Bool = false) {
        let half = headDim / 2
        let p = Float(position)
        let sign: Float = inverse ? -1 : 1
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * half) { table in
            let cos = table.baseAddress!, sin = cos + half
            inverseFrequencies.withUnsafeBufferPointer { f in
                for i in 0..<half {
                    let angle = p * f[i]
                    cos[i] = cosf(angle)
                    sin[i] = sign * sinf(angle)
                }
            }
            for h in 0..<heads {
                let v = x + h * headDim
                for i in 0..<half {
                    let a = v[i], b = v[i + half]
                    v[i] = a * cos[i] - b * sin[i]
                    v[i + half] = b * cos[i] + a * sin[i]
                }
            }
        }
    }
}
