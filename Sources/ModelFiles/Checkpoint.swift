import Foundation
import Tensors

/// The weights of a Hugging Face model directory: `model.safetensors`, or the shards named by
/// `model.safetensors.index.json`. Names stay exactly as the checkpoint spells them.
public final class Checkpoint: Sendable {
    public let directory: URL
    /// Tensor name → the file that holds it.
    private let files: [String: SafetensorsFile]
    /// The weight files in a stable order (for hashing and reporting).
    public let fileNames: [String]

    public init(directory: URL) throws {
        self.directory = directory
        let fm = FileManager.default
        let index = directory.appendingPathComponent("model.safetensors.index.json")
        let single = directory.appendingPathComponent("model.safetensors")
        var files: [String: SafetensorsFile] = [:]
        if fm.fileExists(atPath: index.path) {
            guard let data = fm.contents(atPath: index.path), let json = JSONValue.parse(data) else {
                throw ModelFileError(file: index.lastPathComponent, "not valid JSON")
            }
            guard let weightMap = json["weight_map"]?.objectValue else {
                throw ModelFileError(file: index.lastPathComponent, "missing \"weight_map\" object")
            }
            var opened: [String: SafetensorsFile] = [:]
            for (tensorName, fileValue) in weightMap {
                guard let shardName = fileValue.stringValue, !shardName.contains("/") || !shardName.hasPrefix("/") else {
                    throw ModelFileError(file: index.lastPathComponent, "weight_map[\(tensorName)] is not a file name")
                }
                if opened[shardName] == nil {
                    let shardURL = directory.appendingPathComponent(shardName)
                    guard fm.fileExists(atPath: shardURL.path) else {
                        throw ModelFileError(file: index.lastPathComponent, "weight_map[\(tensorName)] names \(shardName), which does not exist")
                    }
                    opened[shardName] = try SafetensorsFile(path: shardURL.path)
                }
                let shard = opened[shardName]!
                guard shard.entries[tensorName] != nil else {
                    throw ModelFileError(file: shardName, "no tensor \(tensorName), although model.safetensors.index.json says it is there")
                }
                files[tensorName] = shard
            }
            fileNames = opened.keys.sorted()
        } else if fm.fileExists(atPath: single.path) {
            let file = try SafetensorsFile(path: single.path)
            for name in file.entries.keys { files[name] = file }
            fileNames = ["model.safetensors"]
        } else {
            throw ModelFileError(file: directory.path, "no model.safetensors or model.safetensors.index.json")
        }
        self.files = files
    }

    public var tensorNames: [String] { files.keys.sorted() }

    public func entry(_ name: String) -> SafetensorsEntry? { files[name]?.entries[name] }

    /// The file name holding `name`, for error messages.
    public func fileName(of name: String) -> String {
        guard let file = files[name] else { return "model.safetensors" }
        return (file.path as NSString).lastPathComponent
    }

    /// The tensor as Float32, checked against `shape` when given.
    public func tensor(_ name: String, shape: [Int]? = nil) throws -> Tensor {
        try file(holding: name, shape: shape).tensor(name)
    }

    /// The tensor as stored (a view into the memory map), checked against `shape` when given.
    public func weights(_ name: String, shape: [Int]? = nil) throws -> WeightMatrix {
        try file(holding: name, shape: shape).weights(name)
    }

    /// The file that holds `name`, after checking the tensor exists with `shape` (when given).
    private func file(holding name: String, shape: [Int]?) throws -> SafetensorsFile {
        guard let file = files[name] else {
            throw ModelFileError(file: fileNames.count == 1 ? fileNames[0] : "model.safetensors.index.json",
                                 "missing tensor \(name)")
        }
        if let shape, let entry = file.entries[name], entry.shape != shape {
            throw ModelFileError(file: fileName(of: name), "tensor \(name) has shape \(entry.shape), expected \(shape)")
        }
        return file
    }

    /// Tells the kernel the mapped pages of `name` are no longer needed (after widening a copy).
    public func releasePages(of name: String) {
        guard let file = files[name], let entry = file.entries[name] else { return }
        file.releasePages(entry.byteRange)
    }

    /// Elements and bytes of `names` as stored.
    public func size(of names: [String]) -> (elements: Int, bytes: Int) {
        var elements = 0, bytes = 0
        for name in Set(names) {
            guard let entry = entry(name) else { continue }
            elements += entry.elementCount
            bytes += entry.byteRange.count
        }
        return (elements, bytes)
    }

    /// The dtypes the weights are stored in, e.g. ["BF16"].
    public var storedDTypes: [String] {
        Array(Set(files.compactMap { name, file in file.entries[name]?.dtype.rawValue })).sorted()
    }

    public var totalBytes: Int {
        files.reduce(0) { sum, item in sum + (item.value.entries[item.key]?.byteRange.count ?? 0) }
    }
}
