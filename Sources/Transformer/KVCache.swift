import ModelFiles

/// The keys and values of one sequence's past tokens, for every layer: each layer holds
/// (capacity, kvDim) keys and values, of which the first `length` rows are filled.
public final class KVCache {
    public let layerCount: Int
    public let kvDim: Int
    public private(set) var capacity: Int
    public internal(set) var length: Int = 0
    /// One allocation per layer, so that the attention kernel can hold raw pointers into them.
    private(set) var keys: [UnsafeMutablePointer<Float>]
    private(set) var values: [UnsafeMutablePointer<Float>]

    public init(config: ModelConfig, capacity: Int = 64) {
        layerCount = config.layerCount
        kvDim = config.kvDim
        let capacity = max(1, capacity)
        self.capacity = capacity
        let size = capacity * config.kvDim
        keys = (0..<config.layerCount).map { _ in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: size); p.initialize(repeating: 0, count: size); return p
        }
        values = (0..<config.layerCount).map { _ in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: size); p.initialize(repeating: 0, count: size); return p
        }
    }

    deinit {
        for p in keys { p.deallocate() }
        for p in values { p.deallocate() }
    }

    /// Makes room for `total` tokens, doubling so that generation appends in amortised O(1).
    func reserve(_ total: Int) {
        guard total > capacity else { return }
        var newCapacity = capacity
        while newCapacity < total { newCapacity *= 2 }
        func grow(_ old: UnsafeMutablePointer<Float>) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: newCapacity * kvDim)
            p.initialize(from: old, count: length * kvDim)
            (p + length * kvDim).initialize(repeating: 0, count: (newCapacity - length) * kvDim)
            old.deallocate()
            return p
        }
        keys = keys.map(grow)
        values = values.map(grow)
        capacity = newCapacity
    }

    /// Forgets everything past `newLength` tokens (to reuse a shared prefix).
    public func truncate(to newLength: Int) {
        length = min(length, max(0, newLength))
    }
}
