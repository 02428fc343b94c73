import Foundation
import Tensors

/// Writes tensors as one `.safetensors` file that Hugging Face `safetensors` reads:
/// names sorted, the JSON header padded with spaces to a multiple of 8 bytes.
public enum SafetensorsWriter {
    public enum StoredType: String, Sendable { case f32 = "F32", f16 = "F16", bf16 = "BF16" }

    /// Writes `tensors` to `url` atomically (a temporary file renamed into place), so a crash
    /// never leaves a half-written checkpoint.
    public static func write(_ tensors: [String: Tensor], to url: URL, as stored: StoredType = .f32,
                             metadata: [String: String] = ["format": "pt"]) throws {
        let names = tensors.keys.sorted()
        let byteSize = stored == .f32 ? 4 : 2
        var header: [String: JSONValue] = [:]
        if !metadata.isEmpty { header["__metadata__"] = .object(metadata.mapValues { .string($0) }) }
        var offset = 0
        for name in names {
            let t = tensors[name]!
            let bytes = t.count * byteSize
            header[name] = .object([
                "dtype": .string(stored.rawValue),
                "shape": .array(t.shape.map { .int($0) }),
                "data_offsets": .array([.int(offset), .int(offset + bytes)]),
            ])
            offset += bytes
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var headerData = try encoder.encode(JSONValue.object(header))
        while headerData.count % 8 != 0 { headerData.append(0x20) }
        var out = Data(capacity: 8 + headerData.count + offset)
        withUnsafeBytes(of: UInt64(headerData.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(headerData)
        for name in names {
            let values = tensors[name]!.storage
            switch stored {
            case .f32:
                values.withUnsafeBufferPointer { p in
                    out.append(contentsOf: UnsafeRawBufferPointer(p))  // little-endian hosts only (x86-64, arm64)
                }
            case .f16:
                let bits = values.map { HalfPrecision.float16Bits(from: $0).littleEndian }
                bits.withUnsafeBufferPointer { out.append(contentsOf: UnsafeRawBufferPointer($0)) }
            case .bf16:
                let bits = values.map { HalfPrecision.bfloat16Bits(from: $0).littleEndian }
                bits.withUnsafeBufferPointer { out.append(contentsOf: UnsafeRawBufferPointer($0)) }
            }
        }
        try out.write(to: url, options: .atomic)
    }
}
