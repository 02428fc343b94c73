// What the benchmark executables share: flags, a monotonic clock, best-of-N timing, peak memory.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The integer after `name` on the command line, or `fallback`.
public func argument(_ name: String, _ fallback: Int) -> Int {
    let args = CommandLine.arguments
    if let i = args.firstIndex(of: name), i + 1 < args.count, let v = Int(args[i + 1]) { return v }
    return fallback
}

/// Seconds on the monotonic clock.
public func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// The best of `repeats` timings of `body` after one warm-up run (with 0 repeats: the warm-up's time).
public func best(_ repeats: Int, _ body: () throws -> Void) rethrows -> Double {
    let t = now()
    try body()
    var fastest = repeats == 0 ? now() - t : Double.infinity
    for _ in 0..<repeats {
        let t0 = now()
        try body()
        fastest = min(fastest, now() - t0)
    }
    return fastest
}

/// The process's peak resident set size in bytes.
public func peakRSSBytes() -> Int {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Int(usage.ru_maxrss) * 1024
}
