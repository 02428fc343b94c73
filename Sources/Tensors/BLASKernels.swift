import CLinearAlgebra
#if canImport(Glibc)
import Glibc
#endif

/// Which OpenBLAS kernels run, and the fix for a CPU newer than the library.
///
/// Debian's OpenBLAS (0.3.21, a `DYNAMIC_ARCH` build) picks its kernels from the CPU's family
/// and model number. A model it does not know — Intel's Emerald Rapids (family 6, model 207) is
/// one — gets the generic "Prescott" SSE3 kernels, whatever the CPU supports: sgemm then runs
/// several times below the machine's AVX-512 speed and every command is slower for no visible
/// reason. OpenBLAS reads `OPENBLAS_CORETYPE` once, when the library loads, so the executables
/// call `useFastestKernels()` first thing: when OpenBLAS fell back to generic kernels on a CPU
/// whose flags say it runs the AVX-512 (SkylakeX) or AVX2 (Haswell) ones, the process starts
/// itself again with `OPENBLAS_CORETYPE` set. A `OPENBLAS_CORETYPE` the user set is left alone.
public enum BLASKernels {
    /// The kernel family OpenBLAS chose ("Haswell", "SkylakeX", "Zen", "Prescott", ...).
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// OpenBLAS's generic x86-64 fallbacks: what it runs on a CPU model it does not recognise.
    static let genericCores: Set<String> = ["Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom", "Unknown", "unknown"]

    /// The `OPENBLAS_CORETYPE` a CPU with `flags` (as /proc/cpuinfo lists them) should run when
    /// OpenBLAS chose `coreName`; nil when OpenBLAS's own choice stands.
    public static func betterCoreType(coreName: String, cpuFlags flags: Set<String>) -> String? {
        guard genericCores.contains(coreName) else { return nil }
        if flags.isSuperset(of: ["avx512f", "avx512bw", "avx512dq", "avx512vl"]) { return "SkylakeX" }
        if flags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        return nil
    }

    /// The CPU's feature flags from /proc/cpuinfo (empty where there is none).
    public static func cpuFlags(cpuinfo: String) -> Set<String> {
        for line in cpuinfo.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        }
        return []
    }

    /// The bytes of a small text file as UTF-8 (nil when it cannot be read).
    static func readFile(_ path: String) -> String? {
        #if canImport(Glibc)
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
        #else
        return nil
        #endif
    }

    /// Starts this process again with `OPENBLAS_CORETYPE` set when OpenBLAS chose generic kernels
    /// for a CPU that runs faster ones (see the type's comment); returns only when nothing needs
    /// changing or the restart failed (the generic kernels then stay, correct but slow). Call it
    /// before anything reads standard input or starts a thread.
    public static func useFastestKernels() {
        #if os(Linux)
        guard getenv("OPENBLAS_CORETYPE") == nil, genericCores.contains(coreName),
              let data = readFile("/proc/cpuinfo"),
              let core = betterCoreType(coreName: coreName, cpuFlags: cpuFlags(cpuinfo: data)) else { return }
        // Set even if exec fails, so a child process does not try again.
        setenv("OPENBLAS_CORETYPE", core, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        #endif
    }
}
