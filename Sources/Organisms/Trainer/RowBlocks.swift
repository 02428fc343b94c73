import Dispatch
import Tensors

/// How the trainer's row-wise kernels share the cores: rows are cut into fixed blocks, and the
/// blocks are split over `BLAS.threadCount` workers (the thread count `--threads` sets for
/// OpenBLAS, so the two never ask for more cores than the user gave). A reduction over rows keeps
/// one partial per block and adds the partials in block order, so a result does not depend on
/// how many threads ran.
enum RowBlocks {
    /// Rows per block: enough work per block to amortise the dispatch, small enough that a batch
    /// of a few hundred tokens still splits over two cores.
    static let size = 64

    static func count(_ rows: Int) -> Int { (rows + size - 1) / size }

    static func rows(of block: Int, in rows: Int) -> Range<Int> {
        (block * size)..<min(rows, (block + 1) * size)
    }

    /// Calls `body(block, rows)` once for every block of `0..<rows`; workers take contiguous runs
    /// of blocks. `body` must write only what belongs to its block.
    static func forEach(rows: Int, _ body: (Int, Range<Int>) -> Void) {
        let blocks = count(rows)
        parallel(items: blocks) { block in body(block, Self.rows(of: block, in: rows)) }
    }

    /// Calls `body(item)` for every item of `0..<items`, split over the workers in contiguous runs;
    /// `body(item)` must write only what belongs to `item`.
    static func parallel(items: Int, _ body: (Int) -> Void) {
        let workers = min(BLAS.threadCount, items)
        if workers <= 1 {
            for item in 0..<items { body(item) }
            return
        }
        workerRanges(items: items, workers: workers) { _, range in
            for item in range { body(item) }
        }
    }

    /// Calls `body(worker, range)` on `workers` threads, `range` being worker's contiguous share of
    /// `0..<items`; for kernels that need one scratch buffer per worker.
    static func workerRanges(items: Int, workers: Int, _ body: (Int, Range<Int>) -> Void) {
        if workers <= 1 {
            body(0, 0..<items)
            return
        }
        withoutActuallyEscaping(body) { body in
            // The workers touch disjoint rows; the closure itself is only read.
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                shared.value(w, (items * w / workers)..<(items * (w + 1) / workers))
            }
        }
    }
}

/// A value handed to `concurrentPerform` workers that only read it (closures over raw buffers
/// whose rows the workers split between them).
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
