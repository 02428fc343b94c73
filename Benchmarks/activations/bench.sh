#!/bin/bash
# Activation store write throughput: ActivationWriter vs h5py writing the same arrays with
# the same chunking, plain and shuffle+gzip, in the same run; prints MB/s and the ratio.
# MB counts the float32 activation bytes handed over (PROMPTS x D_MODEL x HOOKS x 4).
# usage: Benchmarks/activations/bench.sh [PROMPTS] [D_MODEL] [HOOKS] [BATCH]
set -euo pipefail
cd "$(dirname "$0")/../.."
PROMPTS=${1:-2048} D_MODEL=${2:-2048} HOOKS=${3:-4} BATCH=${4:-32}
PY=${PYTHON:-/work/venv/bin/python}
CPU=$(grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo && echo "-Xswiftc -target-cpu -Xswiftc haswell" || true)
swift build -c release $CPU --product ActivationBench >/dev/null
BIN=$(swift build -c release $CPU --show-bin-path)/ActivationBench
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
echo "prompts=$PROMPTS d_model=$D_MODEL hooks=$HOOKS batch=$BATCH (last position, one row per prompt)"
for dtype in float32 float16; do
  BYTES=4; [ $dtype = float16 ] && BYTES=2
  # ActivationWriter's chunk rule: about 1 MiB per chunk, at most 1024 rows.
  CHUNK=$(( (1 << 20) / (D_MODEL * BYTES) )); [ $CHUNK -gt 1024 ] && CHUNK=1024; [ $CHUNK -lt 1 ] && CHUNK=1
  for mode in plain gzip; do
    s=$("$BIN" "$OUT/s.h5" "$PROMPTS" "$D_MODEL" "$HOOKS" "$BATCH" $mode $dtype)
    p=$("$PY" Benchmarks/activations/bench_h5py.py "$OUT/p.h5" "$PROMPTS" "$D_MODEL" "$HOOKS" "$BATCH" "$CHUNK" $mode $dtype)
    sr=$(echo "$s" | awk '{print $(NF-1)}'); pr=$(echo "$p" | awk '{print $(NF-1)}')
    printf "%-8s %-6s chunk=%-5s | %s | %s | swift/h5py = %.2fx | sizes %s / %s\n" $dtype $mode $CHUNK "$s" "$p" \
      "$(echo "$sr / $pr" | bc -l)" "$(du -h "$OUT/s.h5" | cut -f1)" "$(du -h "$OUT/p.h5" | cut -f1)"
  done
done
