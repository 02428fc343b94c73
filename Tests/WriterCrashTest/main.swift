// A child process for the ActivationStore kill test: writes deterministic batches slowly,
// printing "committed B P" after each append (B batches appended, P prompts in n_done), so the test can SIGKILL it part-way and check
// that `ActivationWriter.resume` continues without losing or duplicating a row.
//
// usage: [WRITER_FILE_SIZE_LIMIT=BYTES] WriterCrashTest PATH BATCHES BATCH_SIZE PAUSE_MICROSECONDS [compress|plain] [last|all] [float32|float16] [k/N]
//        [WRITER_FILE_SIZE_LIMIT=BYTES] WriterCrashTest merge OUT copy|virtual PART...
// (the last two also make example files for scripts/reference/activations/check_h5py.py)
// The data must match `SyntheticRun` in Tests/ActivationStoreTests/TestSupport.swift: the
// test compares the resumed file with an uninterrupted in-process write of that data.
import ActivationStore
import Foundation
import Tensors

/// Unbuffered, so the test sees each line the moment the batch is committed.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

// A full disk without root: with WRITER_FILE_SIZE_LIMIT=BYTES every write past that size
// fails with EFBIG, as writes fail with ENOSPC on a full disk (SIGXFSZ is ignored so the
// write returns the error instead of killing the process).
if let limit = ProcessInfo.processInfo.environment["WRITER_FILE_SIZE_LIMIT"].flatMap(UInt.init) {
    signal(SIGXFSZ, SIG_IGN)
    var bound = rlimit(rlim_cur: rlim_t(limit), rlim_max: rlim_t(limit))
    guard setrlimit(Int32(RLIMIT_FSIZE.rawValue), &bound) == 0 else { fail("setrlimit failed") }
}

let arguments = CommandLine.arguments
// `WriterCrashTest merge OUT copy|virtual PART...`: a merge in a child process, for the tests
// that limit its writes.
if arguments.count >= 5, arguments[1] == "merge" {
    do {
        try ActivationMerge.merge(parts: Array(arguments[4...]), output: arguments[2],
                                  mode: arguments[3] == "copy" ? .copy : .virtual)
        exit(0)
    } catch {
        fail("\(error)")
    }
}
guard arguments.count >= 5, let batches = Int(arguments[2]), let size = Int(arguments[3]),
      let pause = UInt32(arguments[4]) else {
    fail("usage: WriterCrashTest PATH BATCHES BATCH_SIZE PAUSE_MICROSECONDS [compress|plain] [last|all] [float32|float16] [k/N]")
}
let compress = arguments.count > 5 && arguments[5] == "compress"
let positions = arguments.count > 6 ? arguments[6] : "last"
let dtype = arguments.count > 7 ? ActivationDType(rawValue: arguments[7]) ?? .float32 : .float32
let shard: ShardSpec?
do {
    shard = arguments.count > 8 ? try ShardSpec.parse(arguments[8], blockSize: size) : nil
} catch {
    fail("\(error)")
}

let metadata = ActivationMetadata(
    model: "Models/tiny", modelSHA256: String(repeating: "ab", count: 32), architecture: "llama",
    dModel: 1024, nLayers: 2, positions: positions,
    hooks: ["blocks.0.hook_resid_post", "blocks.1.hook_resid_post", "ln_final.hook_normalized"],
    promptFileSHA256: String(repeating: "cd", count: 32), dtype: dtype, compress: compress, shard: shard,
    nPrompts: batches * size)

func batch(_ b: Int) -> ActivationBatch {
    let prompts = (b * size)..<(b * size + size)
    let tokenIDs = prompts.map { i in (0..<(i % 5 + 1)).map { Int32(i * 10 + $0) } }
    var activations: [String: Tensor] = [:]
    for (h, hook) in metadata.hooks.enumerated() {
        let rows = metadata.rowsPerToken ? tokenIDs.reduce(0) { $0 + $1.count } : size
        let values = (0..<(rows * metadata.dModel)).map { j in Float(b * 1000 + h * 100) + Float(j) * 0.25 - 3.5 }
        activations[hook] = Tensor(shape: [rows, metadata.dModel], storage: values)
    }
    return ActivationBatch(texts: prompts.map { "prompt \($0) — ünïcode ✓" }, labels: prompts.map { Int32($0 % 3) - 1 },
                           groups: prompts.map { $0 % 2 == 0 ? "triggered" : "clean" },
                           extras: prompts.map { "{\"id\":\($0)}" }, tokenIDs: tokenIDs, activations: activations)
}

do {
    let writer = try ActivationWriter(path: arguments[1], metadata: metadata, force: true)
    say("created")
    for b in 0..<batches {
        try writer.append(batch: batch(b))
        say("committed \(b + 1) \(writer.committed)")
        usleep(pause)
    }
    try writer.finish()
    say("finished")
} catch {
    fail("\(error)")
}
