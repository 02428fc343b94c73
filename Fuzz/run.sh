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
seed() {  # seed NAME FILE...
  local dir="$BUILD/corpus/$1"; shift
  mkdir -p "$dir"
  for f in "$@"; do [ -f "$f" ] && cp "$f" "$dir/$(echo "$f" | tr '/' '_')"; done
  return 0
}
seed FuzzSafetensors $(find Tests/Fixtures -name '*.safetensors' -size -200k)
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
# A tokenizer.json seed is the file behind a 0x00 byte (even first byte: parse the rest).
for f in $(find Tests/Fixtures/tokenizers Models -name tokenizer.json); do
  { printf '\000'; cat "$f"; } > "$BUILD/corpus/FuzzTokenizer/json_$(echo "$f" | tr '/' '_')"
done

mkdir -p "$BUILD/artifacts" "$BUILD/logs"
LIMIT=(-max_total_time="$SECONDS_EACH")
[ -n "${RUNS:-}" ] && LIMIT=(-runs="$RUNS")
export LSAN_OPTIONS="suppressions=$PWD/Fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
status=0
for h in "${HARNESSES[@]}"; do
  log="$BUILD/logs/$h.log"
  if "$BIN/$h" "$BUILD/corpus/$h" "${LIMIT[@]}" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
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
