#!/usr/bin/env python3
"""Golden files for Interventions: Hugging Face models (the tiny random models of
Tests/Fixtures/inference) run with PyTorch forward hooks doing directional ablation on every
write into the residual stream (Arditi et al.: the embedding, each attention output and each
MLP output), and the same with activation addition (steering) at one block's output.

    /work/venv/bin/python scripts/reference/interventions/make_fixtures.py

Writes Tests/Fixtures/interventions/<model>.json:
  direction (d), prompt [ids], ablated.hidden_states[i] = HF hidden_states[i] (T, d) flattened,
  ablated.greedy (8 greedy new tokens, no EOS stop), steer.{layer, alpha, last_logits, greedy}.
"""
import argparse, json, os
import numpy as np
import torch
from transformers import AutoModelForCausalLM

PROMPT = [1, 17, 42, 99, 7, 3]
NEW_TOKENS = 8
MODELS = ["llama-tied", "gpt2", "qwen2-f16"]


def ablate(r):
    def hook(module, inputs, output):
        out = output[0] if isinstance(output, tuple) else output
        proj = (out.float() @ r).unsqueeze(-1) * r
        new = out - proj
        return (new,) + tuple(output[1:]) if isinstance(output, tuple) else new
    return hook


def add(v):
    def hook(module, inputs, output):
        if isinstance(output, tuple):
            return (output[0] + v,) + tuple(output[1:])
        return output + v
    return hook


def residual_writers(model):
    """The modules whose outputs are hook_embed, hook_attn_out and hook_mlp_out."""
    if model.config.model_type == "gpt2":
        t = model.transformer
        # GPT-2's hook_embed is token + position embeddings: the input of `drop` (identity in eval).
        mods = [t.drop]
        for block in t.h:
            mods += [block.attn.c_proj, block.mlp.c_proj]
        return mods
    m = model.model
    mods = [m.embed_tokens]
    for layer in m.layers:
        mods += [layer.self_attn.o_proj, layer.mlp]
    return mods


def blocks(model):
    return model.transformer.h if model.config.model_type == "gpt2" else model.model.layers


def run(model, hooks_on):
    handles = hooks_on()
    try:
        ids = torch.tensor([PROMPT])
        with torch.no_grad():
            out = model(ids, output_hidden_states=True)
            gen = model.generate(ids, max_new_tokens=NEW_TOKENS, do_sample=False, min_new_tokens=NEW_TOKENS,
                                 eos_token_id=None, pad_token_id=0)
        return out, gen[0, len(PROMPT):].tolist()
    finally:
        for h in handles:
            h.remove()


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.abspath(os.path.join(here, "..", "..", ".."))
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=os.path.join(root, "Tests", "Fixtures", "interventions"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for i, name in enumerate(MODELS):
        path = os.path.join(root, "Tests", "Fixtures", "inference", name)
        model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32, attn_implementation="eager").eval()
        d = model.config.hidden_size
        rng = np.random.default_rng(100 + i)
        direction = rng.standard_normal(d).astype(np.float32)
        direction /= np.linalg.norm(direction)
        r = torch.tensor(direction)

        ablated, ablated_greedy = run(model, lambda: [m.register_forward_hook(ablate(r)) for m in residual_writers(model)])
        layer = 1
        alpha = 4.0
        steer_vec = torch.tensor(direction) * alpha
        steered, steered_greedy = run(model, lambda: [blocks(model)[layer].register_forward_hook(add(steer_vec))])
        record = {
            "model": name,
            "prompt": PROMPT,
            "direction": direction.tolist(),
            "ablated": {
                # The last entry is the final norm's output (ln_final.hook_normalized).
                "hidden_states": [h[0].flatten().tolist() for h in ablated.hidden_states],
                "greedy": ablated_greedy,
            },
            "steer": {
                "hook": f"blocks.{layer}.hook_resid_post",
                "alpha": alpha,
                "last_logits": steered.logits[0, -1].tolist(),
                "greedy": steered_greedy,
            },
        }
        with open(os.path.join(args.out, f"{name}.json"), "w") as f:
            json.dump(record, f)
        print(name, "ablated greedy", ablated_greedy, "steered greedy", steered_greedy)


if __name__ == "__main__":
    main()
