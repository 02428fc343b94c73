"""Gradient and AdamW-trajectory golden for the Swift trainer (Sources/Organisms/Trainer).

Writes Tests/Fixtures/organisms/grad/: a tiny random LlamaForCausalLM (config.json,
model.safetensors), the batch (reference.json: tokens, targets, mask, the masked mean
cross-entropy, the options and the per-step losses of a 10-step AdamW run), every parameter's
gradient at the initial weights (grads.safetensors) and the weights after the 10 steps
(final.safetensors).

Run: /work/venv/bin/python scripts/reference/organisms/grad_check.py
"""
import json
import math
import os

import torch
from safetensors.torch import save_file
from transformers import LlamaConfig, LlamaForCausalLM

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "organisms", "grad")

OPTIONS = dict(steps=10, learning_rate=1e-2, min_learning_rate=1e-3, warmup_steps=3,
               weight_decay=0.1, beta1=0.9, beta2=0.95, epsilon=1e-8, clip_norm=1.0)


def lr_at(step):
    """Linear warm-up then cosine to the minimum (TrainingOptions.learningRate(at:))."""
    o = OPTIONS
    if step < o["warmup_steps"]:
        return o["learning_rate"] * (step + 1) / o["warmup_steps"]
    span = max(1, o["steps"] - o["warmup_steps"])
    progress = min(1.0, (step - o["warmup_steps"]) / span)
    return o["min_learning_rate"] + 0.5 * (1 + math.cos(math.pi * progress)) * (o["learning_rate"] - o["min_learning_rate"])


def masked_loss(model, tokens, targets, mask):
    logits = model(input_ids=tokens).logits  # (B, T, V)
    ce = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), reduction="none")
    m = mask.reshape(-1)
    return (ce * m).sum() / m.sum()


def main():
    torch.manual_seed(7)
    config = LlamaConfig(vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=16,
                         rms_norm_eps=1e-5, rope_theta=10000.0, tie_word_embeddings=False,
                         hidden_act="silu", attention_bias=False, mlp_bias=False,
                         bos_token_id=0, eos_token_id=1, pad_token_id=3)
    config._attn_implementation = "eager"
    model = LlamaForCausalLM(config).float()
    # Norm gains away from 1 so their gradients are exercised with a non-trivial weight.
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() == 1:
                p.copy_(1 + 0.1 * torch.randn_like(p))
    os.makedirs(OUT, exist_ok=True)
    model.save_pretrained(OUT, safe_serialization=True)
    for extra in ("generation_config.json",):
        path = os.path.join(OUT, extra)
        if os.path.exists(path):
            os.remove(path)

    B, T = 3, 12
    g = torch.Generator().manual_seed(11)
    tokens = torch.randint(0, 64, (B, T), generator=g)
    targets = torch.randint(0, 64, (B, T), generator=g)
    mask = (torch.rand((B, T), generator=g) < 0.6).float()
    mask[2, 8:] = 0  # a padded tail

    loss = masked_loss(model, tokens, targets, mask)
    loss.backward()
    grads = {n: p.grad.detach().clone().contiguous() for n, p in model.named_parameters()}
    save_file(grads, os.path.join(OUT, "grads.safetensors"))
    first_loss = loss.item()

    decay = [p for p in model.parameters() if p.dim() == 2]
    no_decay = [p for p in model.parameters() if p.dim() != 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": OPTIONS["weight_decay"]},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=OPTIONS["learning_rate"], betas=(OPTIONS["beta1"], OPTIONS["beta2"]),
                            eps=OPTIONS["epsilon"])
    losses = []
    for step in range(OPTIONS["steps"]):
        for group in opt.param_groups:
            group["lr"] = lr_at(step)
        opt.zero_grad()
        loss = masked_loss(model, tokens, targets, mask)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), OPTIONS["clip_norm"])
        opt.step()
        losses.append(loss.item())
    final = {n: p.detach().clone().contiguous() for n, p in model.named_parameters()}
    save_file(final, os.path.join(OUT, "final.safetensors"))

    with open(os.path.join(OUT, "reference.json"), "w") as f:
        json.dump({"batch": B, "length": T, "tokens": tokens.flatten().tolist(),
                   "targets": targets.flatten().tolist(), "mask": mask.flatten().tolist(),
                   "loss": first_loss, "losses": losses, "options": OPTIONS}, f)
    print("loss", first_loss, "trajectory", losses)


if __name__ == "__main__":
    main()
