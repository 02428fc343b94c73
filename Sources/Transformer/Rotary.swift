import ModelFiles
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Rotary position embeddings as `LlamaRotaryEmbedding` + `apply_rotary_pos_emb` compute them
/// (transformers/models/llama/modeling_llama.py): the non-interleaved "rotate half" layout, with
/// inverse frequencies and angles in Float32 like the reference so positions round the same way.
struct Rotary: Sendable {
    let headDim: Int
    /// (headDim / 2)
    let inverseFrequencies: [Float]

    init(config: ModelConfig) {
        let dim = config.headDim
        headDim = dim
        var inv = (0..<(dim / 2)).map { i in 1 / powf(Float(config.ropeTheta), Float(2 * i) / Float(dim)) }
        switch config.ropeScaling {
        case .none:
            break
        case .linear(let factor):
            inv = inv.map { $0 / Float(factor) }
        case .llama3(let factor, let lowFreqFactor, let highFreqFactor, let originalMax):
            // transformers.modeling_rope_utils._compute_llama3_parameters
            let oldContext = Float(originalMax)
            let lowWavelength = oldContext / Float(lowFreqFactor)
            let highWavelength = oldContext / Float(highFreqFactor)
            inv = inv.map { f in
                let wavelength = 2 * Float.pi / f
                if wavelength < highWavelength { return f }
                if wavelength > lowWavelength { return f / Float(factor) }
                let smooth = (oldContext / wavelength - Float(lowFreqFactor)) / Float(highFreqFactor - lowFreqFactor)
                return (1 - smooth) * f / Float(factor) + smooth * f
            }
        }
        inverseFrequencies = inv
    }

    /// Rotates `heads` consecutive head vectors of `headDim` floats at `x` for `position`.
    /// cos/sin (headDim/2) are scratch buffers.
    @inline(__always)
    func apply(_ x: UnsafeMutablePointer<Float>, heads: Int, position: Int,
               cos: UnsafeMutablePointer<Float>, sin: UnsafeMutablePointer<Float>) {
        let half = headDim / 2
        let p = Float(position)
        for i in 0..<half {
            let angle = p * inverseFrequencies[i]
            cos[i] = cosf(angle)
            sin[i] = sinf(angle)
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
