import Testing
@testable import Tensors

/// A CPU newer than Debian's OpenBLAS gets its generic kernels; `BLASKernels` names the ones the
/// CPU runs instead, and only then.
@Suite("OpenBLAS kernel choice")
struct BLASKernelsTests {
    static let avx512 = "flags\t\t: fpu sse2 avx avx2 fma f16c avx512f avx512dq avx512bw avx512vl amx_tile\n"
    static let avx2 = "processor\t: 0\nflags\t\t: fpu sse2 avx avx2 fma f16c\nbugs\t\t: spectre_v1\n"

    @Test("flags are read from /proc/cpuinfo's flags line, not from the bugs line")
    func flags() {
        let flags = BLASKernels.cpuFlags(cpuinfo: Self.avx2)
        #expect(flags.contains("avx2") && flags.contains("fma"))
        #expect(!flags.contains("spectre_v1"))
        #expect(BLASKernels.cpuFlags(cpuinfo: "no flags here").isEmpty)
    }

    @Test("generic kernels on an AVX-512 or AVX2 CPU are replaced; a recognised CPU's choice stands")
    func choice() {
        let avx512 = BLASKernels.cpuFlags(cpuinfo: Self.avx512), avx2 = BLASKernels.cpuFlags(cpuinfo: Self.avx2)
        #expect(BLASKernels.betterCoreType(coreName: "Prescott", cpuFlags: avx512) == "SkylakeX")
        #expect(BLASKernels.betterCoreType(coreName: "Prescott", cpuFlags: avx2) == "Haswell")
        #expect(BLASKernels.betterCoreType(coreName: "Nehalem", cpuFlags: avx2) == "Haswell")
        #expect(BLASKernels.betterCoreType(coreName: "Prescott", cpuFlags: ["sse2", "sse3"]) == nil)
        #expect(BLASKernels.betterCoreType(coreName: "Zen", cpuFlags: avx512) == nil)
        #expect(BLASKernels.betterCoreType(coreName: "Haswell", cpuFlags: avx512) == nil)
    }

    @Test("the kernels this process runs are named")
    func coreName() {
        #expect(!BLASKernels.coreName.isEmpty)
    }
}
