import Foundation
import Tensors
import Testing
@testable import ActivationStore

@Suite("HDF5 wrapper")
struct HDF5WrapperTests {
    @Test("every dataset type writes, extends and reads back")
    func datasetTypesRoundTrip() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("types.h5").path
        let floats: [Float] = [1.5, -2.25, 0, 65504, 3.140625, -0.0009765625]
        do {
            let file = try HDF5File.create(path: path, overwrite: false)
            let group = try file.createGroup("g")
            let f32 = try group.createDataset("f32", layout: HDF5DatasetLayout(elementType: .float32, rowShape: [3], chunkRows: 2, compress: true))
            try f32.append(Array(floats[0..<3]))
            try f32.append(Array(floats[3..<6]))
            let f16 = try group.createDataset("f16", layout: HDF5DatasetLayout(elementType: .float16, rowShape: [2], chunkRows: 4))
            try f16.setRowCount(3)
            try floats.withUnsafeBufferPointer { try f16.writeFloat16Rows($0, at: 0) }
            let i32 = try group.createDataset("i32", layout: HDF5DatasetLayout(elementType: .int32))
            try i32.append([Int32.min, -1, 0, Int32.max])
            let i64 = try group.createDataset("i64", layout: HDF5DatasetLayout(elementType: .int64, compress: true))
            try i64.append([Int64.min, 42, Int64.max])
            let strings = try group.createDataset("s", layout: HDF5DatasetLayout(elementType: .utf8String, chunkRows: 2))
            try strings.appendStrings(["", "héllo", "日本語 ✓"])
            try strings.appendStrings(["with.dot", "x"])
            _ = try file.createGroup("acts").createDataset("blocks.3.hook_resid_post",
                                                           layout: HDF5DatasetLayout(elementType: .float32, rowShape: [1]))
            try file.flush()
        }
        let file = try HDF5File.open(path: path, mode: .readOnly)
        let group = try file.openGroup("g")
        #expect(try group.childNames() == ["f16", "f32", "i32", "i64", "s"])
        #expect(try group.openDataset("f32").shape() == [2, 3])
        #expect(try group.openDataset("f32").readAll(as: Float.self) == floats)
        #expect(try group.openDataset("f32").elementType() == .float32)
        let f16 = try group.openDataset("f16")
        #expect(try f16.elementType() == .float16)
        #expect(try f16.readFloatRows(0..<3) == floats)  // every value is exact in binary16
        #expect(try f16.readFloatRows(1..<2) == [0, 65504])
        #expect(try group.openDataset("i32").readAll(as: Int32.self) == [Int32.min, -1, 0, Int32.max])
        #expect(try group.openDataset("i64").readAll(as: Int64.self) == [Int64.min, 42, Int64.max])
        #expect(try group.openDataset("s").readAllStrings() == ["", "héllo", "日本語 ✓", "with.dot", "x"])
        #expect(try group.openDataset("s").readStrings(1..<3) == ["héllo", "日本語 ✓"])
        #expect(try file.openGroup("acts").contains("blocks.3.hook_resid_post"))
    }

    @Test("attributes of every kind round trip and can be replaced")
    func attributesRoundTrip() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("attrs.h5").path
        let values: [String: HDF5AttributeValue] = [
            "s": .string("ü ✓"), "i": .int(-7), "d": .double(0.125), "ss": .strings(["a", "bé", ""]),
            "ii": .ints([1, 2, Int(Int32.max) + 5]), "dd": .doubles([1.5, -2]),
        ]
        do {
            let file = try HDF5File.create(path: path, overwrite: false)
            for (name, value) in values { try file.setAttribute(name, value) }
            try file.setAttribute("i", .int(9))
            let dataset = try file.createDataset("x", layout: HDF5DatasetLayout(elementType: .int32))
            try dataset.setAttribute("unit", .string("tokens"))
        }
        let file = try HDF5File.open(path: path, mode: .readOnly)
        for (name, value) in values where name != "i" {
            #expect(try file.attribute(name) == value)
        }
        #expect(try file.intAttribute("i") == 9)
        #expect(try file.attribute("missing") == nil)
        #expect(try file.openDataset("x").stringAttribute("unit") == "tokens")
    }

    @Test("virtual datasets join rows of other files")
    func virtualDataset() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, base) in [("a.h5", 0), ("b.h5", 100)] {
            let file = try HDF5File.create(path: folder.appendingPathComponent(name).path, overwrite: false)
            let d = try file.createDataset("x", layout: HDF5DatasetLayout(elementType: .float32, rowShape: [2]))
            try d.append((0..<6).map { Float(base + $0) })
        }
        let path = folder.appendingPathComponent("v.h5").path
        do {
            let file = try HDF5File.create(path: path, overwrite: false)
            _ = try file.createVirtualDataset("x", elementType: .float32, rowShape: [2], rows: 4, mappings: [
                HDF5VirtualMapping(sourceFile: "b.h5", sourceDataset: "x", sourceStart: 1, sourceRows: 3, destinationStart: 0, rows: 2),
                HDF5VirtualMapping(sourceFile: "a.h5", sourceDataset: "x", sourceStart: 0, sourceRows: 3, destinationStart: 2, rows: 2),
            ])
        }
        let file = try HDF5File.open(path: path, mode: .readOnly)
        #expect(try file.openDataset("x").readAll(as: Float.self) == [102, 103, 104, 105, 0, 1, 2, 3])
    }

    @Test("failures carry the file, the object and the library's message")
    func errorsAreDescriptive() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("e.h5").path
        let file = try HDF5File.create(path: path, overwrite: false)
        let message = thrownDescription { _ = try file.openDataset("nope") }
        #expect(message?.hasPrefix("\(path): /: open dataset nope failed: ") == true)
        #expect(message?.contains("\n") == false)
        let again = thrownDescription { _ = try HDF5File.create(path: path, overwrite: false) }
        #expect(again?.contains("create file failed") == true)
        let dataset = try file.createDataset("d", layout: HDF5DatasetLayout(elementType: .int32))
        let outside = thrownDescription { try dataset.writeRows([Int32(1)], at: 3) }
        #expect(outside == "\(path): /d: access rows 3..<4 failed: dataset has 0 rows")
    }
}

@Suite("HDF5 wrapper edge cases")
struct HDF5EdgeCaseTests {
    @Test("empty string lists and empty appends are no-ops, not crashes")
    func empties() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try HDF5File.create(path: folder.appendingPathComponent("e.h5").path, overwrite: false)
        let strings = try file.createDataset("s", layout: HDF5DatasetLayout(elementType: .utf8String))
        try strings.appendStrings([])
        try strings.append([Float]())
        #expect(try strings.readAllStrings() == [])
        try file.setAttribute("none", .strings([]))
        #expect(try file.attribute("none") == .strings([]))
    }
}

@Suite("float16 storage rounding")
struct Float16RoundingTests {
    @Test("float16 writes round like numpy (Tensors.HalfPrecision): ties, subnormals, overflow, NaN")
    func rounding() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var values: [Float] = [0, -0, 1, 1.0009765625, 1.00048828125, 1.00146484375, 65504, 65519.99, 65520, 1e9, -1e9,
                               5.960464477539063e-08, 2.9802322387695312e-08, 2.98023259e-08, 6.1e-05, 1e-10,
                               .infinity, -.infinity, .nan, .pi, -2.5e-3]
        var seed: UInt32 = 12345
        for _ in 0..<2000 {  // random magnitudes across the whole half range
            seed = seed &* 1_664_525 &+ 1_013_904_223
            values.append(Float(bitPattern: (seed & 0x8000_0000) | (0x3300_0000 + seed % 0x1800_0000)))
        }
        let file = try HDF5File.create(path: folder.appendingPathComponent("h.h5").path, overwrite: false)
        let dataset = try file.createDataset("h", layout: HDF5DatasetLayout(elementType: .float16, rowShape: [1]))
        try dataset.setRowCount(values.count)
        try values.withUnsafeBufferPointer { try dataset.writeFloat16Rows($0, at: 0) }
        let back = try dataset.readFloatRows(0..<values.count)
        for (x, y) in zip(values, back) {
            let expected = HalfPrecision.float(fromFloat16Bits: HalfPrecision.float16Bits(from: x))
            if expected.isNaN { #expect(y.isNaN) } else { #expect(y.bitPattern == expected.bitPattern, "\(x)") }
        }
    }
}
