#!/usr/bin/env python3
"""Opens an activations file with h5py and compares every stored blocks.{L}.hook_resid_post
(and hook_embed / ln_final.hook_normalized) with Hugging Face `hidden_states` of the same model
on the same token ids.

    python scripts/reference/activations/compare_hf.py Activations/x.h5 [MODEL_DIR]

hidden_states[0] = hook_embed + positions = blocks.0.hook_resid_pre; hidden_states[L+1] =
blocks.L.hook_resid_post for L < n_layers-1; hidden_states[n_layers] = ln_final.hook_normalized.
"""
import sys

import h5py
import numpy as np
import torch
from transformers import AutoModelForCausalLM

path = sys.argv[1]
with h5py.File(path, "r") as f:
    model_dir = sys.argv[2] if len(sys.argv) > 2 else f.attrs["model"]
    positions = f.attrs["positions"]
    ids, offsets = f["tokens/ids"][:], f["tokens/offsets"][:]
    n_done = int(f.attrs["n_done"])
    acts = {name: f["acts"][name][:] for name in f["acts"]}
model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32, attn_implementation="eager").eval()
L = model.config.num_hidden_layers


def hf_index(hook):
    if hook == "ln_final.hook_normalized":
        return L
    parts = hook.split(".")
    if parts[0] == "blocks" and parts[2] == "hook_resid_post" and int(parts[1]) < L - 1:
        return int(parts[1]) + 1
    if parts[0] == "blocks" and parts[2] == "hook_resid_pre":
        return int(parts[1])
    return None


worst = {}
row = 0
with torch.no_grad():
    for p in range(n_done):
        tokens = ids[offsets[p]:offsets[p + 1]]
        hs = model(torch.tensor([tokens.astype(np.int64)]), output_hidden_states=True).hidden_states
        n = len(tokens)
        for hook, stored in acts.items():
            i = hf_index(hook)
            if i is None:
                continue
            ref = hs[i][0].numpy()
            if positions == "all":
                mine, theirs = stored[row:row + n], ref
            elif positions == "last":
                mine, theirs = stored[p:p + 1], ref[-1:]
            elif positions == "mean":
                mine, theirs = stored[p:p + 1], ref.mean(0, keepdims=True)
            else:
                continue
            diff = float(np.abs(mine.astype(np.float64) - theirs).max())
            worst[hook] = max(worst.get(hook, 0.0), diff)
        row += n
print(f"{path}: {n_done} prompts, positions={positions}, model {model_dir}")
for hook in sorted(worst, key=lambda h: (hf_index(h), h)):
    print(f"  {hook:32s} hidden_states[{hf_index(hook)}]  max |difference| = {worst[hook]:.2e}")
bad = {h: d for h, d in worst.items() if d > 1e-4}
print("OK: every compared hook within 1e-4" if not bad else f"FAILED: {bad}")
sys.exit(1 if bad else 0)
