import Foundation
import ModelFiles
import Tensors

/// Errors of running a model (bad token ids, positions past the model's range, …).
public struct ForwardError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A Hugging Face causal language model loaded for inference on the CPU: any architecture in
/// `Architectures.all` (Llama, Mistral, Qwen2, GPT-2). Weights stay in their stored dtype,
/// memory-mapped from the safetensors files, unless `LoadOptions.precision` is `.f32`.
public final class TransformerModel: @unchecked Sendable {
    public let config: ModelConfig
    public let directory: URL
    public let options: LoadOptions
    /// Number of parameters as stored in the checkpoint (tied matrices counted once).
    public let parameterCount: Int
    /// The dtypes the weights are stored in on disk, e.g. ["BF16"].
    public let storedDTypes: [String]
    /// The weight files, in a stable order.
    public let weightFiles: [String]
    let weights: ModelWeights
    let rotary: RotaryEmbedding?
    let activation: Kernels.Activation
    /// Forward-pass buffers kept between calls; a concurrent caller simply allocates its own.
    private let scratchLock = NSLock()
    private var cachedScratch: Scratch?

    func takeScratch() -> Scratch {
        scratchLock.lock()
        defer { scratchLock.unlock() }
        let s = cachedScratch ?? Scratch(parameters: parameterCount)
        cachedScratch = nil
        return s
    }

    func returnScratch(_ s: Scratch) {
        scratchLock.lock()
        cachedScratch = s
        scratchLock.unlock()
    }

    /// Loads `config.json` and the safetensors weights of a model directory. Fails with a
    /// one-line error on an unknown architecture, a missing, unused, misshapen or non-finite
    /// tensor, or a model that cannot fit in this machine's memory.
    public static func load(directory: URL, options: LoadOptions = LoadOptions()) throws -> TransformerModel {
        let config = try ModelConfig.load(directory: directory)
        let checkpoint = try Checkpoint(directory: directory)
        return try TransformerModel(config: config, checkpoint: checkpoint, options: options)
    }

    public init(config: ModelConfig, checkpoint: Checkpoint, options: LoadOptions = LoadOptions()) throws {
        self.config = config
        self.directory = checkpoint.directory
        self.options = options
        let names = try config.weightNames(has: { checkpoint.entry($0) != nil })
        let size = checkpoint.size(of: names.used)
        try MemoryBudget.checkWeights(storedBytes: size.bytes, elements: size.elements, precision: options.precision,
                                      directory: checkpoint.directory)
        self.weights = try ModelWeights.load(config, names: names, checkpoint: checkpoint, options: options)
        self.rotary = config.positionEncoding == .rotary ? Self.rotaryEmbedding(config) : nil
        guard let activation = Kernels.Activation(configName: config.activation) else {
            throw ModelFileError(file: ModelConfig.fileName, "unsupported activation \"\(config.activation)\"")
        }
        self.activation = activation
        parameterCount = size.elements
        storedDTypes = checkpoint.storedDTypes
        weightFiles = checkpoint.fileNames
    }

    static func rotaryEmbedding(_ c: ModelConfig) -> RotaryEmbedding {
        var frequencies = RotaryEmbedding.frequencies(headDim: c.headDim, theta: c.ropeTheta)
        switch c.ropeScaling {
        case .none:
            break
        case .linear(let factor):
            frequencies = frequencies.map { $0 / Float(factor) }
        case .llama3(let factor, let low, let high, let original):
            frequencies = RotaryEmbedding.llama3Scaled(frequencies, factor: factor, lowFreqFactor: low,
                                                       highFreqFactor: high, originalMaxPositions: original)
        }
        return RotaryEmbedding(headDim: c.headDim, inverseFrequencies: frequencies)
    }

    /// The hook points this model has, in forward order.
    public var hookPoints: [HookPoint] { HookPoint.all(layers: config.layerCount) }

    /// Bytes the weights occupy in memory (mapped file pages or owned Float32 copies).
    public var weightBytes: Int { weights.bytes }

    /// The longest sequence (prompt plus generated tokens) the model accepts.
    public var maxSequenceLength: Int? {
        config.positionEncoding == .learned || !options.allowLongPrompts ? config.maxPositions : nil
    }
}
