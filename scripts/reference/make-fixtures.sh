#!/usr/bin/env bash
# Regenerates every golden file in Tests/Fixtures from the Python reference libraries
# (transformers, tokenizers, scikit-learn, h5py, torch). CI does not run this: the fixtures are
# committed. Creates scripts/reference/.venv with the CPU build of torch.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=${REFERENCE_VENV:-scripts/reference/.venv}
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q 'torch==2.13.0+cpu' transformers tokenizers scikit-learn h5py numpy gguf nbformat jinja2
fi
PY="$VENV/bin/python"
"$PY" scripts/reference/inference/make_fixtures.py
"$PY" scripts/reference/tokenizers/make_fixtures.py
"$PY" scripts/reference/chat_templates/make_fixtures.py
"$PY" scripts/reference/probes/make_fixtures.py
"$PY" scripts/reference/activations/make_fixtures.py
"$PY" scripts/reference/interventions/make_fixtures.py
"$PY" scripts/reference/organisms/grad_check.py
"$PY" scripts/reference/organisms/rl_grad_check.py
echo "fixtures regenerated; run make test"
