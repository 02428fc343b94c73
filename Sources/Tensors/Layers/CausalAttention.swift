/// Causal self-attention of one sequence, forward and backward, shared by inference and the
/// trainer. Matches `eager_attention_forward` (transformers/models/llama/modeling_llama.py) and
/// `GPT2Attention._attn`: softmax(scale · q kᵀ + causal mask) · v per head, grouped-query heads
/// reading key/value head h / (heads / kvHeads), an optional sliding window.
public enum CausalAttention {
    /// The shapes and strides of one call. Query i sits at position `past + i` and attends to keys
    /// 0 ... past + i (within `window` when set); rows are row-major with the given strides, head
    /// h at column h · headDim, its key/value head at column (h / group) · headDim.
    public struct Shape: Sendable {
        public var queries: Int
        public var past: Int
        public var heads: Int
        public var kvHeads: Int
        public var headDim: Int
        public var scale: Float
        public var window: Int?
        /// Row strides of q, of keys and values, and of out.
        public var ldq: Int
        public var ldkv: Int
        public var ldo: Int

        public init(queries: Int, past: Int, heads: Int, kvHeads: Int, headDim: Int, scale: Float, window: Int? = nil,
                    ldq: Int, ldkv: Int, ldo: Int) {
            self.queries = queries
            self.past = past
            self.heads = heads
            self.kvHeads = kvHeads
            self.headDim = headDim
            self.scale = scale
            self.window = window
            self.ldq = ldq
            self.ldkv = ldkv
            self.ldo = ldo
        }

        public var keys: Int { past + queries }
    }

    /// Queries per block when no probabilities are kept: the score buffer is (block, keys), so
    /// memory grows linearly with the prompt, never with its square.
    public static let queryBlock = 256

    /// Floats of `scores` scratch `forward` needs without saved probabilities.
    public static func scratchCount(queries: Int, keys: Int) -> Int { min(queries, queryBlock) * keys }

    /// out = attention(q, keys, values). `probs`, when given, receives every head's
    /// probabilities (heads, queries, keys) for the backward pass and serves as the scores buffer;
    /// otherwise `scores` (at least `scratchCount` floats) is used block by block.
    public static func forward(_ out: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>? = nil,
                               scores: UnsafeMutablePointer<Float>? = nil,
                               q: UnsafePointer<Float>, keys: UnsafePointer<Float>, values: UnsafePointer<Float>,
                               _ s: Shape) {
        let n = s.queries, total = s.keys, hd = s.headDim
        let group = s.heads / s.kvHeads
        let block = probs == nil ? queryBlock : n
        for h in 0..<s.heads {
            let kvHead = h / group
            var i0 = 0
            while i0 < n {
                let m = min(block, n - i0)
                let buffer = probs.map { $0 + h * n * total } ?? scores!
                // scores (m, total) = scale · q_h[i0 ..< i0 + m] (m, hd) · k_kvHeadᵀ (hd, total)
                BLAS.sgemm(transB: true, m: m, n: total, k: hd, alpha: s.scale,
                           a: q + i0 * s.ldq + h * hd, lda: s.ldq, b: keys + kvHead * hd, ldb: s.ldkv,
                           c: buffer, ldc: total)
                for i in 0..<m {
                    let row = buffer + i * total
                    let position = s.past + i0 + i
                    let first = s.window.map { max(0, position - $0 + 1) } ?? 0
                    if first > 0 { row.update(repeating: 0, count: first) }
                    Kernels.softmax(row + first, position + 1 - first)
                    if position + 1 < total { (row + position + 1).update(repeating: 0, count: total - position - 1) }
                }
                // out_h (m, hd) = p (m, total) · v_kvHead (total, hd)
                BLAS.sgemm(m: m, n: hd, k: total, a: buffer, lda: total, b: values + kvHead * hd, ldb: s.ldkv,
                           c: out + i0 * s.ldo + h * hd, ldc: s.ldo)
                i0 += m
            }
        }
    }

    /// Backward of `forward` with saved `probs`, for a sequence without past keys and without a
    /// window (training): overwrites dq, dk, dv (same strides as q, k, v; dk and dv share ldkv)
    /// from dout. `dscores` is (queries, queries) scratch. Heads share a key/value head only when
    /// kvHeads == heads here; grouped heads accumulate into their shared dk, dv.
    public static func backward(dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>,
                                dscores: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, probs: UnsafePointer<Float>,
                                q: UnsafePointer<Float>, keys: UnsafePointer<Float>, values: UnsafePointer<Float>, _ s: Shape) {
        precondition(s.past == 0 && s.window == nil, "CausalAttention.backward: training runs whole sequences without a window")
        let T = s.queries, hd = s.headDim
        let group = s.heads / s.kvHeads
        for h in 0..<s.heads {
            let kvHead = h / group
            let first = h % group == 0
            let p = probs + h * T * T
            let qo = h * hd, ko = kvHead * hd
            // dv_kv (T, hd) (+)= Pᵀ · dout_h
            BLAS.sgemm(transA: true, m: T, n: hd, k: T, a: p, lda: T, b: dout + qo, ldb: s.ldo,
                       beta: first ? 0 : 1, c: dv + ko, ldc: s.ldkv)
            // dP (T, T) = dout_h · v_kvᵀ
            BLAS.sgemm(transB: true, m: T, n: T, k: hd, a: dout + qo, lda: s.ldo, b: values + ko, ldb: s.ldkv,
                       c: dscores, ldc: T)
            // softmax backward: dS = P ⊙ (dP − Σ_j dP·P), causal rows only
            for i in 0..<T {
                let pr = p + i * T, dr = dscores + i * T
                var dot: Float = 0
                for j in 0...i { dot += pr[j] * dr[j] }
                for j in 0...i { dr[j] = pr[j] * (dr[j] - dot) }
                if i + 1 < T { (dr + i + 1).update(repeating: 0, count: T - i - 1) }
            }
            // dq_h = scale · dS · k_kv;  dk_kv (+)= scale · dSᵀ · q_h
            BLAS.sgemm(m: T, n: hd, k: T, alpha: s.scale, a: dscores, lda: T, b: keys + ko, ldb: s.ldkv,
                       c: dq + qo, ldc: s.ldq)
            BLAS.sgemm(transA: true, m: T, n: hd, k: T, alpha: s.scale, a: dscores, lda: T, b: q + qo, ldb: s.ldq,
                       beta: first ? 0 : 1, c: dk + ko, ldc: s.ldkv)
        }
    }
}
