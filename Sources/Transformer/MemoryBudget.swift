import Foundation
import ModelFiles
#if canImport(Glibc)
import Glibc
#endif

/// Estimates made before memory is committed, so that a model or a batch that cannot fit gets a
/// one-line error instead of the kernel's OOM killer.
enum MemoryBudget {
    /// Physical memory, or the cgroup's limit when it is lower (containers, Slurm jobs).
    static var physicalBytes: Int {
        var bytes = Int(sysconf(Int32(_SC_PHYS_PAGES))) * Int(sysconf(Int32(_SC_PAGESIZE)))
        for path in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            if let text = try? String(contentsOfFile: path, encoding: .utf8),
               let limit = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), limit > 0 {
                bytes = min(bytes, limit)
            }
        }
        return bytes
    }

    static func gib(_ bytes: Int) -> String { String(format: "%.1f GiB", Double(bytes) / Double(1 << 30)) }

    /// The weights must fit with room to spare: mapped pages that do not stay resident are read
    /// from disk again on every forward pass.
    static func checkWeights(storedBytes: Int, elements: Int, precision: WeightPrecision, directory: URL) throws {
        let needed = precision == .f32 ? 4 * elements : storedBytes
        let available = physicalBytes
        guard needed <= available * 9 / 10 else {
            let advice = precision == .f32
                ? "load the weights as stored (drop --weights-dtype f32), which needs \(gib(storedBytes))"
                : "use a machine with more memory or a smaller model"
            throw ModelFileError(file: directory.path,
                                 "the weights need \(gib(needed)) but this machine has \(gib(available)) of memory; \(advice)")
        }
    }

    /// Generation's KV caches beside the weights.
    static func checkKVCache(bytes: Int, weightBytes: Int) throws {
        let available = physicalBytes
        guard weightBytes + bytes <= available * 9 / 10 else {
            throw ForwardError("the KV cache needs \(gib(bytes)) beside \(gib(weightBytes)) of weights, more than this machine's \(gib(available)); generate for fewer prompts at once (--batch-size) or fewer tokens (--max-new-tokens)")
        }
    }
}
