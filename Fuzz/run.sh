#!/usr/bin/env bash
# Builds the libFuzzer harnesses (Fuzz/<Name>/main.swift) with -sanitize=fuzzer,address into
# .build-fuzz and runs each for SECONDS (or RUNS executions), one after another, from a
# corpus seeded with the test fixtures and Fuzz/Seeds. Prints one line per harness with its
# execution count; exits non-zero on the first crash, hang, leak or sanitizer report (the
# input is kept in .build-fuzz/artifacts; `swift run FuzzX FILE` replays it in a plain build).
#
# usage: Fuzz/run.sh SECONDS [HARNESS...]        e.g. Fuzz/run.sh 60 FuzzTokenizer
#        RUNS=1000000 Fuzz/run.sh 0 [HARNESS...]  (stop after RUNS executions instead)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:?usage: Fuzz/run.sh SECONDS [HARNESS...]}
shift
ALL=(FuzzSafetensors FuzzModelConfig FuzzTokenizer FuzzPromptFile FuzzProbeFile FuzzExperimentFile FuzzActivationFile)
if [ $# -gt 0 ]; then HARNESSES=("$@"); else HARNESSES=("${ALL[@]}"); fi
BUILD=.build-fuzz
# SwiftPM links executables with gold, which fails on libFuzzer's runtime; lld links it.
FLAGS=(-c release --build-path "$BUILD" -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -enable-testing
       -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld)
for h in "${HARNESSES[@]}"; do swift build "${FLAGS[@]}" --product "$h"; done
BIN=$(swift build "${FLAGS[@]}" --show-bin-path)

# Seeds: the fixtures a harness's parser reads (copied, so the corpus can grow beside them).
# Safetensors and tokenizer.json seeds are small files made from the fixtures
# (scripts/reference/fuzz/): a 100 KB model or a 25 KB vocabulary per input made those two
# harnesses 10-100 times slower without reaching more of the parser.
seed() {  # seed NAME FILE...
  local dir="$BUILD/corpus/$1"; shift
  mkdir -p "$dir"
  for f in "$@"; do [ -f "$f" ] && cp "$f" "$dir/$(echo "$f" | tr '/' '_')"; done
  return 0
}
seed FuzzSafetensors Fuzz/Seeds/Safetensors/*
seed FuzzModelConfig $(find Tests/Fixtures Models -name config.json)
seed FuzzPromptFile $(find Probes -name '*.jsonl' -size -20k) Fuzz/Seeds/PromptFile/*
seed FuzzProbeFile $(find Probes Tests/Fixtures -name '*.probe.json' -size -50k) Fuzz/Seeds/ProbeFile/*
seed FuzzExperimentFile Fuzz/Seeds/ExperimentFile/*
seed FuzzActivationFile
seed FuzzTokenizer Fuzz/Seeds/Tokenizer/*
# Inputs that once crashed a harness stay in its corpus (a plain build replays them too).
for h in "${HARNESSES[@]}"; do
  [ -d "Fuzz/Regressions/$h" ] && seed "$h" "Fuzz/Regressions/$h"/*
done

mkdir -p "$BUILD/artifacts" "$BUILD/logs"
LIMIT=(-max_total_time="$SECONDS_EACH")
[ -n "${RUNS:-}" ] && LIMIT=(-runs="$RUNS")
export LSAN_OPTIONS="suppressions=$PWD/Fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
status=0
for h in "${HARNESSES[@]}"; do
  log="$BUILD/logs/$h.log"
  # Inputs up to 4 KB where the seeds are that small (lines, headers, a few hundred bytes of
  # decisions): a longer input only costs time. Probe and directions seeds are up to 8 KB of
  # JSON that must stay whole to reach the field checks.
  case "$h" in
    FuzzProbeFile|FuzzModelConfig|FuzzExperimentFile) max_len=65536 ;;
    *) max_len=4096 ;;
  esac
  if "$BIN/$h" "$BUILD/corpus/$h" "${LIMIT[@]}" -timeout=10 -rss_limit_mb=2048 -max_len=$max_len \
       -print_final_stats=1 -artifact_prefix="$BUILD/artifacts/$h-" >"$log" 2>&1; then
    result="ok"
  else
    result="FAILED (see $log)"; status=1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
  secs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | grep -o 'in [0-9]*' | grep -o '[0-9]*' || true)
  echo "$h: ${runs:-?} executions${secs:+ in ${secs} s}: $result"
done
exit $status
