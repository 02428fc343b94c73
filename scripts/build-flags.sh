#!/usr/bin/env bash
# The one SwiftPM build configuration of `make build`, `make test`, `make demo` and `make bench`
# (and of Benchmarks/*/bench.sh): the same flags give the same build folder, so whichever of them
# runs first compiles the project and the others reuse it.
# - release: Swift's debug build is far too slow on numeric loops;
# - AVX2 + FMA when the CPU has them: the elementwise kernels vectorise much better;
# - -enable-testing: the test targets use `@testable import`; building the tools with it too is
#   what lets them share one build.
flags="-c release"
if grep -qw avx2 /proc/cpuinfo 2>/dev/null && grep -qw fma /proc/cpuinfo 2>/dev/null; then
  flags="$flags -Xswiftc -target-cpu -Xswiftc haswell"
fi
echo "$flags -Xswiftc -enable-testing"
