import CHDF5

/// Rows `sourceStart ..< sourceStart + rows` of a dataset in another file, shown at rows
/// `destinationStart...` of a virtual dataset.
struct HDF5VirtualMapping: Sendable, Equatable {
    /// As stored in the virtual dataset: a path relative to the virtual file's folder is
    /// resolved from that folder by readers (libhdf5 and h5py).
    var sourceFile: String
    var sourceDataset: String
    var sourceStart: Int
    var sourceRows: Int
    var destinationStart: Int
    var rows: Int

    init(sourceFile: String, sourceDataset: String, sourceStart: Int, sourceRows: Int,
                destinationStart: Int, rows: Int) {
        self.sourceFile = sourceFile
        self.sourceDataset = sourceDataset
        self.sourceStart = sourceStart
        self.sourceRows = sourceRows
        self.destinationStart = destinationStart
        self.rows = rows
    }
}

extension HDF5Container {
    /// Creates a fixed-size virtual dataset `(rows, rowShape...)` assembled from `mappings`;
    /// no data is copied.
    func createVirtualDataset(_ child: String, elementType: HDF5ElementType, rowShape: [Int], rows: Int,
                                     mappings: [HDF5VirtualMapping]) throws -> HDF5Dataset {
        let objectName = childName(child)
        let type = try elementType.makeFileType(path: path, name: objectName)
        let space = try HDF5Dataspace.simple([rows] + rowShape, path: path, name: objectName)
        let creation = try HDF5PropertyList(class: sl_H5P_DATASET_CREATE(), path: path, name: objectName)
        let zeros = rowShape.map { _ in 0 }
        for mapping in mappings where mapping.rows > 0 {
            let destination = try HDF5Dataspace.simple([rows] + rowShape, path: path, name: objectName)
            try destination.selectBlock(start: [mapping.destinationStart] + zeros, count: [mapping.rows] + rowShape)
            let source = try HDF5Dataspace.simple([mapping.sourceRows] + rowShape, path: path, name: objectName)
            try source.selectBlock(start: [mapping.sourceStart] + zeros, count: [mapping.rows] + rowShape)
            try HDF5Library.locked {
                try creation.check(H5Pset_virtual(creation.id, destination.id, mapping.sourceFile,
                                                  mapping.sourceDataset, source.id),
                                   "map \(mapping.sourceFile):\(mapping.sourceDataset)")
            }
        }
        return try HDF5Library.locked {
            let did = H5Dcreate2(id, child, type.id, space.id, sl_H5P_DEFAULT(), creation.id, sl_H5P_DEFAULT())
            return HDF5Dataset(id: try check(did, "create virtual dataset"), path: path, name: objectName)
        }
    }
}
