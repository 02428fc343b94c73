// Raw write throughput of ActivationWriter, for Benchmarks/activations/bench.sh (which runs
// h5py on the same arrays and chunking and prints the ratio).
//
// usage: ActivationBench OUT.h5 PROMPTS D_MODEL HOOKS BATCH [gzip|plain] [float32|float16]
// prints one line: "swift <MB> MB in <s> s = <MB/s> MB/s" where MB counts the float32
// activation bytes handed to the writer.
import ActivationStore
import Foundation
import Tensors

BLASKernels.useFastestKernels()

let arguments = CommandLine.arguments

guard arguments.count >= 6, let prompts = Int(arguments[2]), let dModel = Int(arguments[3]),
      let hookCount = Int(arguments[4]), let batchSize = Int(arguments[5]), prompts > 0, batchSize > 0 else {
    FileHandle.standardError.write(Data("usage: ActivationBench OUT.h5 PROMPTS D_MODEL HOOKS BATCH [gzip|plain] [float32|float16]\n".utf8))
    exit(2)
}
let compress = arguments.count > 6 && arguments[6] == "gzip"
let dtype = arguments.count > 7 ? ActivationDType(rawValue: arguments[7]) ?? .float32 : .float32
let hooks = (0..<hookCount).map { "blocks.\($0).hook_resid_post" }
let metadata = ActivationMetadata(model: "bench", modelSHA256: "0", architecture: "llama", dModel: dModel,
                                  nLayers: hookCount, positions: "last", hooks: hooks, promptFileSHA256: "0",
                                  dtype: dtype, compress: compress, nPrompts: prompts)

/// The value at (row, column) of hook h: a multiplicative hash spread over [-0.5, 0.5), the
/// same formula as bench_h5py.py so that both compress identical bytes.
func batchValues(rows: Range<Int>, hook: Int) -> [Float] {
    var values = [Float](repeating: 0, count: rows.count * dModel)
    values.withUnsafeMutableBufferPointer { out in
        for (i, r) in rows.enumerated() {
            for c in 0..<dModel {
                let index = UInt32(truncatingIfNeeded: (hook * prompts + r) * dModel + c)
                out[i * dModel + c] = Float(index &* 2_654_435_761) / 4_294_967_296 - 0.5
            }
        }
    }
    return values
}

// Data is generated before the clock starts, as in the h5py script.
var batches: [ActivationBatch] = []
for start in stride(from: 0, to: prompts, by: batchSize) {
    let rows = start..<min(prompts, start + batchSize)
    var activations: [String: Tensor] = [:]
    for (h, hook) in hooks.enumerated() {
        activations[hook] = Tensor(shape: [rows.count, dModel], storage: batchValues(rows: rows, hook: h))
    }
    batches.append(ActivationBatch(texts: rows.map { "prompt \($0)" }, labels: rows.map { Int32($0 % 2) },
                                   groups: rows.map { _ in "" }, tokenIDs: rows.map { [Int32($0)] },
                                   activations: activations))
}

do {
    let clock = ContinuousClock()
    let elapsed = try clock.measure {
        let writer = try ActivationWriter(path: arguments[1], metadata: metadata, force: true)
        for batch in batches { try writer.append(batch: batch) }
        try writer.finish()
    }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    let megabytes = Double(prompts * dModel * hookCount * 4) / 1e6
    print(String(format: "swift %.1f MB in %.3f s = %.1f MB/s", megabytes, seconds, megabytes / seconds))
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
