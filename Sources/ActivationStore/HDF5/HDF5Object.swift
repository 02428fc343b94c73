import CHDF5

/// Owns one HDF5 identifier and closes it when the last reference goes away.
///
/// `path` (the file) and `name` (the object inside it) travel with every handle so that an
/// error can always say where it happened.
class HDF5Object {
    let id: hid_t
    let path: String
    let name: String
    private let closeFunction: (hid_t) -> herr_t

    init(id: hid_t, path: String, name: String, close: @escaping (hid_t) -> herr_t) {
        self.id = id
        self.path = path
        self.name = name
        self.closeFunction = close
    }

    deinit {
        let id = id, close = closeFunction
        HDF5Library.locked { _ = close(id) }
    }

    @discardableResult
    func check<I: BinaryInteger>(_ status: I, _ operation: @autoclosure () -> String) throws -> I {
        try HDF5Library.check(status, operation(), path: path, object: name)
    }
}

/// A dataspace: the shape of a dataset, an attribute or a memory buffer.
final class HDF5Dataspace: HDF5Object {
    init(id: hid_t, path: String, name: String) {
        super.init(id: id, path: path, name: name, close: H5Sclose)
    }

    /// A simple dataspace of `dims`; `maxDims` nil means fixed size, `-1` entries mean unlimited.
    static func simple(_ dims: [Int], maxDims: [Int]? = nil, path: String, name: String) throws -> HDF5Dataspace {
        try HDF5Library.locked {
            let current = dims.map { hsize_t($0) }
            let id: hid_t
            if let maxDims {
                let maximum = maxDims.map { $0 < 0 ? sl_H5S_UNLIMITED() : hsize_t($0) }
                id = H5Screate_simple(Int32(dims.count), current, maximum)
            } else {
                id = H5Screate_simple(Int32(dims.count), current, nil)
            }
            return HDF5Dataspace(id: try HDF5Library.check(id, "create dataspace \(dims)", path: path, object: name),
                                 path: path, name: name)
        }
    }

    static func scalar(path: String, name: String) throws -> HDF5Dataspace {
        try HDF5Library.locked {
            let id = try HDF5Library.check(H5Screate(H5S_SCALAR), "create scalar dataspace", path: path, object: name)
            return HDF5Dataspace(id: id, path: path, name: name)
        }
    }

    /// The current extent of each dimension (empty for a scalar).
    func dimensions() throws -> [Int] {
        try HDF5Library.locked {
            let rank = Int(try check(H5Sget_simple_extent_ndims(id), "read rank"))
            var dims = [hsize_t](repeating: 0, count: rank)
            if rank > 0 { try check(H5Sget_simple_extent_dims(id, &dims, nil), "read dimensions") }
            return dims.map { Int($0) }
        }
    }

    /// Selects the block `start ..< start + count` (one range per dimension).
    func selectBlock(start: [Int], count: [Int]) throws {
        try HDF5Library.locked {
            let s = start.map { hsize_t($0) }, c = count.map { hsize_t($0) }
            try check(H5Sselect_hyperslab(id, H5S_SELECT_SET, s, nil, c, nil), "select rows \(start) count \(count)")
        }
    }
}

/// A property list (file access, dataset creation, …).
final class HDF5PropertyList: HDF5Object {
    /// Takes ownership of a property list returned by the library.
    init(adopting id: hid_t, path: String, name: String) {
        super.init(id: id, path: path, name: name, close: H5Pclose)
    }

    /// `classID` is read under the lock: the class identifiers exist only once the library is open.
    init(class classID: @autoclosure () -> hid_t, path: String, name: String) throws {
        let id = try HDF5Library.locked {
            try HDF5Library.check(H5Pcreate(classID()), "create property list", path: path, object: name)
        }
        super.init(id: id, path: path, name: name, close: H5Pclose)
    }
}

/// A datatype created or copied by us (predefined types are never closed, so never wrapped).
final class HDF5Datatype: HDF5Object {
    init(id: hid_t, path: String, name: String) {
        super.init(id: id, path: path, name: name, close: H5Tclose)
    }
}
