import CHDF5

/// The element types the activations schema stores.
enum HDF5ElementType: String, Sendable, Equatable {
    case float32, float16, float64, int32, int64, utf8String

    /// A fresh file datatype for this element type (little-endian, as h5py writes).
    func makeFileType(path: String, name: String) throws -> HDF5Datatype {
        try HDF5Library.locked {
            let base: hid_t
            switch self {
            case .float32, .float16: base = sl_H5T_IEEE_F32LE()
            case .float64: base = sl_H5T_IEEE_F64LE()
            case .int32: base = sl_H5T_STD_I32LE()
            case .int64: base = sl_H5T_STD_I64LE()
            case .utf8String: base = sl_H5T_C_S1()
            }
            let type = HDF5Datatype(id: try HDF5Library.check(H5Tcopy(base), "copy datatype", path: path, object: name),
                                    path: path, name: name)
            switch self {
            case .float16:
                // HDF5 1.10 has no predefined half type: derive IEEE binary16 from binary32 the
                // way h5py does (sign bit 15, 5 exponent bits at 10, 10 mantissa bits, bias 15),
                // so that h5py and numpy read it back as float16.
                _ = try type.check(H5Tset_fields(type.id, 15, 10, 5, 0, 10), "set float16 fields")
                _ = try type.check(H5Tset_size(type.id, 2), "set float16 size")
                _ = try type.check(H5Tset_ebias(type.id, 15), "set float16 exponent bias")
                _ = try type.check(H5Tset_precision(type.id, 16), "set float16 precision")
            case .utf8String:
                _ = try type.check(H5Tset_size(type.id, sl_H5T_VARIABLE()), "make string variable-length")
                _ = try type.check(H5Tset_cset(type.id, H5T_CSET_UTF8), "set UTF-8 character set")
            default:
                break
            }
            return type
        }
    }

    /// Recognises a stored datatype; nil for anything the schema does not use.
    static func of(typeID: hid_t) -> HDF5ElementType? {
        let size = H5Tget_size(typeID)
        switch H5Tget_class(typeID) {
        case H5T_FLOAT:
            return size == 2 ? .float16 : size == 4 ? .float32 : size == 8 ? .float64 : nil
        case H5T_INTEGER:
            return size == 4 ? .int32 : size == 8 ? .int64 : nil
        case H5T_STRING:
            return .utf8String
        default:
            return nil
        }
    }
}

/// Swift scalars that map one-to-one onto a native HDF5 memory type.
protocol HDF5Numeric: Sendable {
    static var nativeType: hid_t { get }
    init()
}

extension Float: HDF5Numeric { static var nativeType: hid_t { sl_H5T_NATIVE_FLOAT() } }
extension Double: HDF5Numeric { static var nativeType: hid_t { sl_H5T_NATIVE_DOUBLE() } }
extension Int32: HDF5Numeric { static var nativeType: hid_t { sl_H5T_NATIVE_INT32() } }
extension Int64: HDF5Numeric { static var nativeType: hid_t { sl_H5T_NATIVE_INT64() } }
