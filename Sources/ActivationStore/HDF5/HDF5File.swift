import CHDF5
import Foundation

/// An object that holds links to groups and datasets: a file (its root group) or a group.
class HDF5Container: HDF5Object {
    /// The path of a child, for error messages ("/acts" + "x" → "/acts/x").
    func childName(_ child: String) -> String {
        name == "/" ? "/" + child : name + "/" + child
    }

    /// Whether a direct child link called `child` exists.
    func contains(_ child: String) throws -> Bool {
        try HDF5Library.locked {
            try check(H5Lexists(id, child, sl_H5P_DEFAULT()), "look up \(child)") > 0
        }
    }

    /// Names of the direct children, in name order.
    func childNames() throws -> [String] {
        try HDF5Library.locked {
            final class Names { var list: [String] = [] }
            let names = Names()
            let visitor: H5L_iterate_t = { _, linkName, _, clientData in
                guard let linkName, let clientData else { return 0 }
                Unmanaged<Names>.fromOpaque(clientData).takeUnretainedValue().list.append(String(cString: linkName))
                return 0
            }
            var index: hsize_t = 0
            let box = Unmanaged.passUnretained(names).toOpaque()
            try check(H5Literate(id, H5_INDEX_NAME, H5_ITER_INC, &index, visitor, box), "list children")
            withExtendedLifetime(names) {}
            return names.list
        }
    }

    /// Creates child group `child`.
    func createGroup(_ child: String) throws -> HDF5Group {
        try HDF5Library.locked {
            let gid = H5Gcreate2(id, child, sl_H5P_DEFAULT(), sl_H5P_DEFAULT(), sl_H5P_DEFAULT())
            return HDF5Group(id: try check(gid, "create group \(child)"), path: path, name: childName(child))
        }
    }

    /// Opens existing child group `child`.
    func openGroup(_ child: String) throws -> HDF5Group {
        try HDF5Library.locked {
            let gid = H5Gopen2(id, child, sl_H5P_DEFAULT())
            return HDF5Group(id: try check(gid, "open group \(child)"), path: path, name: childName(child))
        }
    }

    /// Opens existing child dataset `child` (names may contain dots).
    func openDataset(_ child: String) throws -> HDF5Dataset {
        try HDF5Library.locked {
            let did = H5Dopen2(id, child, sl_H5P_DEFAULT())
            return HDF5Dataset(id: try check(did, "open dataset \(child)"), path: path, name: childName(child))
        }
    }
}

/// A group inside a file.
final class HDF5Group: HDF5Container {
    init(id: hid_t, path: String, name: String) {
        super.init(id: id, path: path, name: name, close: H5Gclose)
    }
}

/// An open HDF5 file; its root group's links and attributes are reached through it.
final class HDF5File: HDF5Container {
    enum Mode: Sendable { case readOnly, readWrite }

    private init(id: hid_t, path: String) {
        super.init(id: id, path: path, name: "/", close: H5Fclose)
    }

    /// Creates a new file. `overwrite` false refuses an existing file. `reportedPath` is the
    /// name errors and `path` give, for a file built under a temporary name and renamed later.
    ///
    /// The metadata cache never evicts on its own (see `sl_disable_metadata_evictions`): the
    /// file on disk changes its structure only at `flush()`, which is what makes a killed
    /// writer's file readable up to its last flush.
    static func create(path: String, overwrite: Bool, reportedPath: String? = nil) throws -> HDF5File {
        let shown = reportedPath ?? path
        let access = try HDF5PropertyList(class: sl_H5P_FILE_ACCESS(), path: shown, name: "")
        return try HDF5Library.locked {
            try access.check(sl_disable_metadata_evictions(access.id), "configure metadata cache")
            let flags = overwrite ? sl_H5F_ACC_TRUNC() : sl_H5F_ACC_EXCL()
            let fid = H5Fcreate(path, flags, sl_H5P_DEFAULT(), access.id)
            return HDF5File(id: try HDF5Library.check(fid, "create file", path: shown), path: shown)
        }
    }

    /// Opens an existing file (same metadata-cache settings as `create`).
    static func open(path: String, mode: Mode) throws -> HDF5File {
        let access = try HDF5PropertyList(class: sl_H5P_FILE_ACCESS(), path: path, name: "")
        return try HDF5Library.locked {
            try access.check(sl_disable_metadata_evictions(access.id), "configure metadata cache")
            let flags = mode == .readOnly ? sl_H5F_ACC_RDONLY() : sl_H5F_ACC_RDWR()
            let fid = H5Fopen(path, flags, access.id)
            do {
                return HDF5File(id: try HDF5Library.check(fid, "open file", path: path), path: path)
            } catch let error as HDF5Error where error.libraryMessage.contains("unable to lock file")
                        || error.libraryMessage == String(cString: strerror(EWOULDBLOCK)) {
                // flock's EWOULDBLOCK: another process has the file open for writing.
                throw ActivationStoreError.locked(path: path)
            }
        }
    }

    /// Writes every dirty cache entry and the superblock, for the whole file.
    func flush() throws {
        try HDF5Library.locked {
            try check(H5Fflush(id, H5F_SCOPE_GLOBAL), "flush")
        }
    }

    /// Drops clean entries (chunk-index nodes, string heap collections) from libhdf5's metadata
    /// cache once it holds more than `limit` bytes. With evictions off (see `create`) the cache
    /// otherwise keeps every entry a long writer ever touched, and grows with the file. Call it
    /// right after `flush()`: no entry is dirty then, so evicting writes nothing and the file
    /// on disk stays exactly as the flush left it.
    func trimMetadataCache(above limit: Int = 4 << 20) throws {
        try HDF5Library.locked {
            var maxSize = 0, minCleanSize = 0, size = 0
            var entries: Int32 = 0
            try check(H5Fget_mdc_size(id, &maxSize, &minCleanSize, &size, &entries), "read metadata cache size")
            guard size > limit else { return }
            var config = H5AC_cache_config_t()
            config.version = H5AC__CURR_CACHE_CONFIG_VERSION
            try check(H5Fget_mdc_config(id, &config), "read metadata cache settings")
            // A smaller maximum with evictions on: libhdf5 evicts down to it at the next access.
            var trimming = config
            trimming.evictions_enabled = true
            trimming.set_initial_size = true
            trimming.initial_size = config.min_size
            try check(H5Fset_mdc_config(id, &trimming), "trim metadata cache")
            try check(H5Aexists(id, ActivationSchema.Attribute.nDone), "trim metadata cache")
            config.evictions_enabled = false
            config.set_initial_size = true
            config.initial_size = maxSize
            try check(H5Fset_mdc_config(id, &config), "configure metadata cache")
        }
    }

    /// Reserves disk blocks for `bytes` past the file's allocated end (its EOA), where libhdf5
    /// puts whatever it allocates next, so that a full disk is found here, before anything is
    /// written, rather than in the middle of a flush (which writes the superblock, with the
    /// new end, first: a flush that fails after it leaves a file libhdf5 calls truncated).
    /// `releaseReservation()` after the next flush gives back what was not used.
    func reserve(bytes: Int) throws {
        try HDF5Library.locked {
            let (descriptor, end) = try descriptorAndEnd()
            let status = posix_fallocate(descriptor, 0, off_t(end) + off_t(bytes))
            // EINVAL/EOPNOTSUPP: a file system that cannot reserve; writes will report a full disk.
            if status != 0 && status != EINVAL && status != EOPNOTSUPP {
                throw ActivationStoreError.cannotWrite(path: path, reason: String(cString: strerror(status)))
            }
        }
    }

    /// Cuts the file back to its allocated end after a flush: libhdf5 keeps nothing past it,
    /// and does not cut blocks it did not write itself.
    func releaseReservation() throws {
        try HDF5Library.locked {
            let (descriptor, end) = try descriptorAndEnd()
            guard ftruncate(descriptor, off_t(end)) == 0 else {
                throw ActivationStoreError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
            }
        }
    }

    /// The sec2 driver's file descriptor and the file's allocated end (EOA); call under the lock.
    private func descriptorAndEnd() throws -> (Int32, haddr_t) {
        var end: haddr_t = 0
        try check(H5Fget_eoa(id, &end), "read allocated size")
        var handle: UnsafeMutableRawPointer?
        try check(H5Fget_vfd_handle(id, sl_H5P_DEFAULT(), &handle), "get file descriptor")
        guard let handle else {
            throw HDF5Error(path: path, object: name, operation: "get file descriptor", libraryMessage: "no handle")
        }
        return (handle.load(as: Int32.self), end)
    }

    /// After a failed write (a full disk): makes every later write to this file fail, so the
    /// flush that closing it does cannot reach the disk. The file then stays as its last
    /// successful flush left it; otherwise closing writes a superblock whose end-of-file
    /// counts the space the failed write was given, and libhdf5 then refuses the file as
    /// truncated. The file's descriptor is pointed at /dev/null opened read-only (its number
    /// stays taken, so no later open can receive it; libhdf5's lock on the file goes with the
    /// old descriptor).
    func refuseFurtherWrites() {
        HDF5Library.locked {
            var handle: UnsafeMutableRawPointer?
            guard H5Fget_vfd_handle(id, sl_H5P_DEFAULT(), &handle) >= 0, let handle else {
                _ = HDF5Library.takeErrorMessages()
                return
            }
            let descriptor = handle.load(as: Int32.self)
            let null = Foundation.open("/dev/null", O_RDONLY)
            guard null >= 0 else { return }
            _ = dup2(null, descriptor)
            _ = Foundation.close(null)
        }
    }

    /// Whether libhdf5 recognises `path` as an HDF5 file (false for a missing file too).
    static func isHDF5(path: String) -> Bool {
        HDF5Library.locked {
            let result = H5Fis_hdf5(path)
            _ = HDF5Library.takeErrorMessages()
            return result > 0
        }
    }
}
