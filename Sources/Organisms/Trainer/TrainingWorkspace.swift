/// The trainer's saved activations and backward scratch for one batch, carved from one
/// allocation that is kept across steps: batches of different lengths reuse it, and it grows
/// only when a batch needs more than any before (no per-step allocation or zero-filling).
/// Rows are the batch's tokens packed sequence after sequence (N of them); sequence b's
/// attention probabilities start at `attentionOffsets[b]` in `probs`.
final class TrainingWorkspace {
    /// One block's saved activations, N = B·T rows.
    struct Block {
        var norm1: UnsafeMutablePointer<Float>   // (N, d)
        var rstd1: UnsafeMutablePointer<Float>   // (N)
        var qkv: UnsafeMutablePointer<Float>     // (N, 3d): q | k | v per row, q and k rotated
        var probs: UnsafeMutablePointer<Float>   // per sequence (H, T_b, T_b)
        var attn: UnsafeMutablePointer<Float>    // (N, d)
        var mid: UnsafeMutablePointer<Float>     // (N, d) residual after attention
        var norm2: UnsafeMutablePointer<Float>   // (N, d)
        var rstd2: UnsafeMutablePointer<Float>   // (N)
        var gateUp: UnsafeMutablePointer<Float>  // (N, 2f): gate | up per row
        var hidden: UnsafeMutablePointer<Float>  // (N, f)
    }

    private(set) var blocks: [Block] = []
    /// (layers + 1) × (N, d): residual[l] is block l's input, residual[layers] the final norm's.
    private(set) var residual: [UnsafeMutablePointer<Float>] = []
    private(set) var finalNormed: UnsafeMutablePointer<Float>  // (N, d)
    private(set) var finalRstd: UnsafeMutablePointer<Float>    // (N)
    private(set) var scoredNormed: UnsafeMutablePointer<Float> // (M, d): finalNormed's scored rows
    private(set) var logits: UnsafeMutablePointer<Float>       // (M, V), M = scored rows (N when all are)
    // Backward scratch.
    private(set) var dx: UnsafeMutablePointer<Float>       // (N, d) dloss/d residual
    private(set) var dnorm: UnsafeMutablePointer<Float>    // (N, d)
    private(set) var dattn: UnsafeMutablePointer<Float>    // (N, d)
    private(set) var dqkv: UnsafeMutablePointer<Float>     // (N, 3d)
    private(set) var dhidden: UnsafeMutablePointer<Float>  // (N, f)
    private(set) var dgateUp: UnsafeMutablePointer<Float>  // (N, 2f)
    private(set) var dscores: UnsafeMutablePointer<Float>  // (workers, maxT, maxT)
    private(set) var normPartials: UnsafeMutablePointer<Float>  // (RowBlocks.count(N), d)
    // RoPE angles of positions 0 ..< maxT.
    private(set) var cos: UnsafeMutablePointer<Float>      // (maxT, headDim / 2)
    private(set) var sin: UnsafeMutablePointer<Float>      // (maxT, headDim / 2)

    private var storage: UnsafeMutablePointer<Float>
    private var capacity = 0

    init() {
        storage = .allocate(capacity: 1)
        storage.initialize(to: 0)
        (finalNormed, finalRstd, scoredNormed, logits, dx, dnorm, dattn, dqkv, dhidden, dgateUp, dscores, normPartials, cos, sin) =
            (storage, storage, storage, storage, storage, storage, storage, storage, storage, storage, storage, storage, storage, storage)
    }

    deinit { storage.deallocate() }

    /// Points every buffer at its place for N packed rows whose sequences need `attention`
    /// floats of probabilities (Σ H·T_b²), the longest being maxT, with M scored rows; grows
    /// the allocation when needed (the contents of earlier steps are then gone).
    func prepare(_ s: ModelShape, rows N: Int, attention: Int, maxT T: Int, scored M: Int, workers: Int) {
        let d = s.dModel, f = s.ffn
        // Every buffer in order, as (count) — the same list sizes and carves.
        var sizes: [Int] = []
        for _ in 0..<s.layers {
            sizes += [N * d, N, 3 * N * d, attention, N * d, N * d, N * d, N, 2 * N * f, N * f]
        }
        sizes += Array(repeating: N * d, count: s.layers + 1)
        sizes += [N * d, N, M * d, M * s.vocabSize, N * d, N * d, N * d, 3 * N * d, N * f, 2 * N * f,
                  max(1, workers) * T * T, RowBlocks.count(N) * d, T * s.headDim / 2, T * s.headDim / 2]
        let total = sizes.reduce(0, +)
        if total > capacity {
            // Packed batches vary in size from step to step: growing by half again at least
            // keeps reallocations (and the page faults of fresh memory) to a handful per run.
            let grown = max(total, capacity + capacity / 2)
            storage.deallocate()
            storage = .allocate(capacity: grown)
            storage.initialize(repeating: 0, count: grown)
            capacity = grown
        }
        var offset = 0
        var index = 0
        func next() -> UnsafeMutablePointer<Float> {
            defer { offset += sizes[index]; index += 1 }
            return storage + offset
        }
        blocks = (0..<s.layers).map { _ in
            Block(norm1: next(), rstd1: next(), qkv: next(), probs: next(), attn: next(), mid: next(), norm2: next(),
                  rstd2: next(), gateUp: next(), hidden: next())
        }
        residual = (0...s.layers).map { _ in next() }
        (finalNormed, finalRstd, scoredNormed, logits) = (next(), next(), next(), next())
        (dx, dnorm, dattn, dqkv, dhidden, dgateUp, dscores, normPartials, cos, sin) =
            (next(), next(), next(), next(), next(), next(), next(), next(), next(), next())
    }
}
