import CHDF5

/// A value stored as an HDF5 attribute; strings are variable-length UTF-8 (h5py reads `str`).
enum HDF5AttributeValue: Sendable, Equatable {
    case string(String)
    case int(Int)
    case double(Double)
    case strings([String])
    case ints([Int])
    case doubles([Double])
}

extension HDF5Object {
    /// Whether this object carries attribute `attribute`.
    func hasAttribute(_ attribute: String) throws -> Bool {
        try HDF5Library.locked {
            try check(H5Aexists(id, attribute), "look up attribute \(attribute)") > 0
        }
    }

    /// Creates or replaces attribute `attribute`.
    func setAttribute(_ attribute: String, _ value: HDF5AttributeValue) throws {
        let (elementType, count): (HDF5ElementType, Int?) = switch value {
        case .string: (.utf8String, nil)
        case .int: (.int64, nil)
        case .double: (.float64, nil)
        case .strings(let s): (.utf8String, s.count)
        case .ints(let s): (.int64, s.count)
        case .doubles(let s): (.float64, s.count)
        }
        let type = try elementType.makeFileType(path: path, name: name)
        let space = try count.map { try HDF5Dataspace.simple([$0], path: path, name: name) }
            ?? HDF5Dataspace.scalar(path: path, name: name)
        try HDF5Library.locked {
            let operation = "write attribute \(attribute)"
            if try check(H5Aexists(id, attribute), operation) > 0 {
                try check(H5Adelete(id, attribute), operation)
            }
            let aid = try check(H5Acreate2(id, attribute, type.id, space.id, sl_H5P_DEFAULT(), sl_H5P_DEFAULT()), operation)
            defer { H5Aclose(aid) }
            switch value {
            case .string(let s):
                try withCStringArray([s]) { try check(H5Awrite(aid, type.id, $0), operation) }
            case .strings(let s):
                try withCStringArray(s.isEmpty ? [""] : s) { try check(H5Awrite(aid, type.id, $0), operation) }
            case .int(let v):
                var x = Int64(v)
                try check(H5Awrite(aid, sl_H5T_NATIVE_INT64(), &x), operation)
            case .ints(let v):
                var x = v.map { Int64($0) } + [0]
                try check(H5Awrite(aid, sl_H5T_NATIVE_INT64(), &x), operation)
            case .double(let v):
                var x = v
                try check(H5Awrite(aid, sl_H5T_NATIVE_DOUBLE(), &x), operation)
            case .doubles(let v):
                var x = v + [0]
                try check(H5Awrite(aid, sl_H5T_NATIVE_DOUBLE(), &x), operation)
            }
        }
    }

    /// Reads attribute `attribute`, or nil when it does not exist. Integers come back as
    /// `.int`/`.ints`, floats as `.double`/`.doubles`, strings (fixed or variable) as text.
    func attribute(_ attribute: String) throws -> HDF5AttributeValue? {
        try HDF5Library.locked {
            let operation = "read attribute \(attribute)"
            guard try check(H5Aexists(id, attribute), operation) > 0 else { return nil }
            let aid = try check(H5Aopen(id, attribute, sl_H5P_DEFAULT()), operation)
            defer { H5Aclose(aid) }
            let space = HDF5Dataspace(id: try check(H5Aget_space(aid), operation), path: path, name: name)
            let dims = try space.dimensions()
            let scalar = dims.isEmpty
            let count = dims.reduce(1, *)
            let stored = HDF5Datatype(id: try check(H5Aget_type(aid), operation), path: path, name: name)
            switch H5Tget_class(stored.id) {
            case H5T_INTEGER:
                var values = [Int64](repeating: 0, count: max(count, 1))
                try check(H5Aread(aid, sl_H5T_NATIVE_INT64(), &values), operation)
                let ints = values.prefix(count).map { Int($0) }
                return scalar ? .int(ints.first ?? 0) : .ints(ints)
            case H5T_FLOAT:
                var values = [Double](repeating: 0, count: max(count, 1))
                try check(H5Aread(aid, sl_H5T_NATIVE_DOUBLE(), &values), operation)
                let doubles = Array(values.prefix(count))
                return scalar ? .double(doubles.first ?? 0) : .doubles(doubles)
            case H5T_STRING:
                let strings = try readStringAttribute(aid, stored: stored.id, space: space, count: count, operation)
                return scalar ? .string(strings.first ?? "") : .strings(strings)
            default:
                throw HDF5Error(path: path, object: name, operation: operation,
                                libraryMessage: "unsupported attribute type class")
            }
        }
    }

    private func readStringAttribute(_ aid: hid_t, stored: hid_t, space: HDF5Dataspace, count: Int,
                                     _ operation: String) throws -> [String] {
        if try check(H5Tis_variable_str(stored), operation) > 0 {
            let type = try HDF5ElementType.utf8String.makeFileType(path: path, name: name)
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: max(count, 1))
            try check(H5Aread(aid, type.id, &pointers), operation)
            let strings = pointers.prefix(count).map { $0.map { String(cString: $0) } ?? "" }
            try check(H5Dvlen_reclaim(type.id, space.id, sl_H5P_DEFAULT(), &pointers), operation)
            return strings
        }
        // Fixed-length strings (h5py writes numpy `S` arrays this way): read the raw bytes.
        let width = H5Tget_size(stored)
        let memoryType = HDF5Datatype(id: try check(H5Tcopy(stored), operation), path: path, name: name)
        var bytes = [UInt8](repeating: 0, count: max(count, 1) * width + 1)
        try check(H5Aread(aid, memoryType.id, &bytes), operation)
        return (0..<count).map { i in
            let slice = bytes[(i * width)..<((i + 1) * width)]
            let end = slice.firstIndex(of: 0) ?? slice.endIndex
            return String(decoding: slice[slice.startIndex..<end], as: UTF8.self)
        }
    }

    /// A scalar string attribute, or nil when missing or of another type.
    func stringAttribute(_ attribute: String) throws -> String? {
        if case .string(let s)? = try self.attribute(attribute) { return s }
        return nil
    }

    /// An integer attribute (scalar or one-element array), or nil when missing or of another type.
    func intAttribute(_ attribute: String) throws -> Int? {
        switch try self.attribute(attribute) {
        case .int(let v)?: return v
        case .ints(let v)? where v.count == 1: return v[0]
        default: return nil
        }
    }

    /// A string-array attribute (a scalar string reads as one element), or nil.
    func stringArrayAttribute(_ attribute: String) throws -> [String]? {
        switch try self.attribute(attribute) {
        case .strings(let s)?: return s
        case .string(let s)?: return [s]
        default: return nil
        }
    }
}
