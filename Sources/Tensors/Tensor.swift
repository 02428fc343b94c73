/// A dense row-major Float32 tensor: `storage` holds `shape.reduce(1, *)` elements.
///
/// Kept deliberately small: the kernels work on `UnsafeMutableBufferPointer<Float>` views of
/// `storage`, so that hot loops open the buffer once and never allocate.
public struct Tensor: Sendable, Equatable {
    public var shape: [Int]
    public var storage: [Float]

    /// A tensor of zeros.
    public init(zeros shape: [Int]) {
        self.shape = shape
        self.storage = [Float](repeating: 0, count: shape.reduce(1, *))
    }

    /// Wraps existing values; `storage.count` must equal the product of `shape`.
    public init(shape: [Int], storage: [Float]) {
        precondition(storage.count == shape.reduce(1, *),
                     "Tensor: \(storage.count) values do not fill shape \(shape)")
        self.shape = shape
        self.storage = storage
    }

    public var count: Int { storage.count }
    public var rank: Int { shape.count }

    /// Rows × columns when the tensor is read as a matrix whose last axis is the columns.
    public var rows: Int { shape.count <= 1 ? 1 : storage.count / (shape.last ?? 1) }
    public var columns: Int { shape.last ?? 1 }

    /// One row of a tensor read as a matrix (last axis = columns).
    public func row(_ r: Int) -> ArraySlice<Float> {
        let n = columns
        return storage[(r * n)..<((r + 1) * n)]
    }

    public subscript(_ r: Int, _ c: Int) -> Float {
        get { storage[r * columns + c] }
        set { storage[r * columns + c] = newValue }
    }

    /// The same values read with another shape of equal element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, storage: storage)
    }

    /// A (columns, rows) copy of a 2-D tensor.
    public func transposed() -> Tensor {
        precondition(shape.count == 2, "transposed() needs a 2-D tensor, got \(shape)")
        let (r, c) = (shape[0], shape[1])
        var out = [Float](repeating: 0, count: r * c)
        storage.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0..<r {
                    for j in 0..<c { dst[j * r + i] = src[i * c + j] }
                }
            }
        }
        return Tensor(shape: [c, r], storage: out)
    }
}
