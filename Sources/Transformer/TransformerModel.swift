import Foundation
import ModelFiles
import Tensors

/// Errors of running a model (bad token ids, positions past the model's range, …).
public struct ForwardError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A Hugging Face causal language model loaded for inference on the CPU: Llama, Mistral, Qwen2
/// or GPT-2, weights in Float32.
public final class TransformerModel: @unchecked Sendable {
    public let config: ModelConfig
    public let directory: URL
    /// Number of parameters as stored in the checkpoint (tied matrices counted once).
    public let parameterCount: Int
    /// The dtypes the weights are stored in on disk, e.g. ["BF16"].
    public let storedDTypes: [String]
    /// The weight files, in a stable order.
    public let weightFiles: [String]
    let weights: ModelWeights
    let rotary: Rotary?
    let activation: Kernels.Activation
    /// Forward-pass buffers kept between calls; a concurrent caller simply allocates its own.
    private let scratchLock = NSLock()
    private var cachedScratch: Scratch?

    func takeScratch() -> Scratch {
        scratchLock.lock()
        defer { scratchLock.unlock() }
        let s = cachedScratch ?? Scratch()
        cachedScratch = nil
        return s
    }

    func returnScratch(_ s: Scratch) {
        scratchLock.lock()
        cachedScratch = s
        scratchLock.unlock()
    }

    /// Loads `config.json` and the safetensors weights of a model directory. Fails with a
    /// one-line error on an unknown architecture, a missing, unused or misshapen tensor.
    public static func load(directory: URL) throws -> TransformerModel {
        let config = try ModelConfig.load(directory: directory)
        let checkpoint = try Checkpoint(directory: directory)
        return try TransformerModel(config: config, checkpoint: checkpoint)
    }

    public init(config: ModelConfig, checkpoint: Checkpoint) throws {
        self.config = config
        self.directory = checkpoint.directory
        self.weights = try ModelWeights.load(config, checkpoint: checkpoint)
        self.rotary = config.architecture.isLlamaFamily ? Rotary(config: config) : nil
        guard let activation = Kernels.Activation(configName: config.activation) else {
            throw ModelFileError(file: ModelConfig.fileName, "unsupported activation \"\(config.activation)\"")
        }
        self.activation = activation
        var count = 0
        for name in checkpoint.tensorNames {
            if name.hasSuffix(".attn.bias") || name.hasSuffix(".attn.masked_bias") || name.hasSuffix("inv_freq") { continue }
            if config.tieWordEmbeddings && name == "lm_head.weight" { continue }
            count += checkpoint.entry(name)?.elementCount ?? 0
        }
        parameterCount = count
        storedDTypes = checkpoint.storedDTypes
        weightFiles = checkpoint.fileNames
    }

    /// The hook points this model has, in forward order.
    public var hookPoints: [HookPoint] { HookPoint.all(layers: config.layerCount) }

    /// Bytes the Float32 weights occupy in memory.
    public var weightBytes: Int {
        var n = weights.embedding.count + (weights.positionEmbedding?.count ?? 0)
            + weights.finalNormWeight.count + (weights.finalNormBias?.count ?? 0) + (weights.unembedding?.count ?? 0)
        for b in weights.blocks {
            n += b.norm1Weight.count + (b.norm1Bias?.count ?? 0) + b.norm2Weight.count + (b.norm2Bias?.count ?? 0)
            for lin in [b.qkv, b.output, b.mlpIn, b.mlpOut] { n += lin.weight.count + (lin.bias?.count ?? 0) }
        }
        return n * 4
    }
}
