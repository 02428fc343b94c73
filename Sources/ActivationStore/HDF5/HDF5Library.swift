import CHDF5
import Foundation

/// A failed HDF5 call: the file, the object inside it, the operation and the library's own
/// messages (from its error stack), on one line.
struct HDF5Error: Error, CustomStringConvertible, Sendable {
    let path: String
    let object: String
    let operation: String
    let libraryMessage: String

    var description: String {
        let what = object.isEmpty ? path : "\(path): \(object)"
        let detail = libraryMessage.isEmpty ? "" : ": \(libraryMessage)"
        return "\(what): \(operation) failed\(detail)"
    }
}

/// Serialises every call into libhdf5: Debian builds it without thread safety, so two
/// threads inside the library at once corrupt its global state.
enum HDF5Library {
    /// Recursive because a handle's `deinit` (which closes it) may run inside another call.
    /// Creating it also initialises the library and stops HDF5 printing its error stack to
    /// stderr (every failure becomes a thrown `HDF5Error`); Swift runs this exactly once,
    /// before the first caller can take the lock.
    ///
    /// libhdf5's own exit handler is turned off: it closes every file still open, and a file
    /// whose flush already failed (a full disk) crashes it inside libhdf5 (seen as exit 139
    /// after a clean error). Nothing relies on it: writers flush explicitly, and what a
    /// writer had not flushed is what a killed run loses anyway.
    private static let lock: NSRecursiveLock = {
        H5dont_atexit()
        H5open()
        H5Eset_auto2(sl_H5E_DEFAULT(), nil, nil)
        return NSRecursiveLock()
    }()

    @discardableResult
    static func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        // Error stacks are per thread when libhdf5 is built thread-safe (Debian's prints
        // "thread N"), so automatic printing must be turned off on whichever thread calls.
        H5Eset_auto2(sl_H5E_DEFAULT(), nil, nil)
        return try body()
    }

    /// The messages on HDF5's error stack, innermost last, joined on one line; clears the stack.
    static func takeErrorMessages() -> String {
        final class Messages { var lines: [String] = [] }
        let messages = Messages()
        let walker: H5E_walk2_t = { _, errorDescription, clientData in
            guard let errorDescription, let clientData else { return 0 }
            let box = Unmanaged<Messages>.fromOpaque(clientData).takeUnretainedValue()
            let entry = errorDescription.pointee
            let function = entry.func_name.map { String(cString: $0) } ?? "?"
            // Errors are one line: ctime() stamps in driver messages end in a newline.
            let text = (entry.desc.map { String(cString: $0) } ?? "").split(whereSeparator: \.isNewline).joined(separator: " ")
            box.lines.append("\(function): \(text)")
            return 0
        }
        let unmanaged = Unmanaged.passUnretained(messages)
        _ = H5Ewalk2(sl_H5E_DEFAULT(), H5E_WALK_DOWNWARD, walker, unmanaged.toOpaque())
        H5Eclear2(sl_H5E_DEFAULT())
        withExtendedLifetime(messages) {}
        // A failed system call is the real cause (full disk, permissions): its own words are
        // what the user needs. The driver's entry around it carries a ctime() stamp with a
        // newline and the raw buffer addresses, so only the message is kept.
        for line in messages.lines {
            if let reason = systemErrorMessage(in: line) { return reason }
        }
        // The outermost entry says what the public call was; the innermost says why it failed.
        if messages.lines.count > 2 {
            return messages.lines[0] + " <- " + messages.lines[messages.lines.count - 1]
        }
        return messages.lines.joined(separator: " <- ")
    }

    /// The text of `error message = '...'`, which libhdf5's file drivers add after a failed
    /// system call (strerror of errno), or nil.
    static func systemErrorMessage(in line: String) -> String? {
        guard let start = line.range(of: "error message = '") else { return nil }
        let rest = line[start.upperBound...]
        guard let end = rest.firstIndex(of: "'") else { return nil }
        return String(rest[..<end])
    }

    /// Throws an `HDF5Error` when `status` is negative (herr_t and hid_t failures).
    @discardableResult
    static func check<I: BinaryInteger>(_ status: I, _ operation: @autoclosure () -> String,
                                        path: String, object: String = "") throws -> I {
        if status < 0 {
            throw HDF5Error(path: path, object: object, operation: operation(),
                            libraryMessage: takeErrorMessages())
        }
        return status
    }
}
