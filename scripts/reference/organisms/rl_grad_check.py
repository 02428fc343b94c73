"""Gradient golden for the RL safety-training loss (Sources/Organisms/Safety/PolicyGradient.swift).

Writes Tests/Fixtures/organisms/rl_grad/: a tiny random LlamaForCausalLM (config.json,
model.safetensors) as the policy, and reference.json with a fixed batch of "sampled" sequences
(tokens, sampled next tokens, answer mask), one advantage per sequence, the frozen reference
model's logits for the same batch, beta and tau, and the loss with its policy and KL parts; every
parameter's gradient of that loss from autograd goes to grads.safetensors, and the gradient of
the KL term alone (all advantages 0) to grads_kl.safetensors.

    L = -sum_n w_n A_n log pi(a_n) + beta * sum_n w_n KL(pi_n || pi_ref,n),   pi = softmax(z / tau)

with w_n = mask_n / sum(mask). The reference logits come from a second random model, and both
models are drawn with a wide initializer (std 0.3) so their next-token distributions are far from
uniform and from each other: the KL and its gradient are far from zero.

Run: /work/pyref/bin/python scripts/reference/organisms/rl_grad_check.py
"""
import json
import os

import torch
from safetensors.torch import save_file
from transformers import LlamaConfig, LlamaForCausalLM

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "organisms", "rl_grad")

BETA = 0.3
TAU = 0.8


def make_model(config):
    model = LlamaForCausalLM(config).float()
    # Norm gains away from 1 so their gradients are exercised with a non-trivial weight.
    with torch.no_grad():
        for _, p in model.named_parameters():
            if p.dim() == 1:
                p.copy_(1 + 0.1 * torch.randn_like(p))
    return model


def rl_loss(logits, ref_logits, targets, mask, advantages):
    """The loss of PolicyGradientObjective.forwardBackward and its two parts."""
    logp = torch.log_softmax(logits / TAU, dim=-1)          # (B, T, V)
    logq = torch.log_softmax(ref_logits / TAU, dim=-1)      # (B, T, V)
    w = mask / mask.sum()                                   # (B, T)
    chosen = logp.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    policy = -(w * advantages.unsqueeze(-1) * chosen).sum()
    kl = (w * (logp.exp() * (logp - logq)).sum(-1)).sum()
    return policy + BETA * kl, policy, kl


def main():
    torch.manual_seed(17)
    config = LlamaConfig(vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=16,
                         rms_norm_eps=1e-5, rope_theta=10000.0, tie_word_embeddings=False,
                         hidden_act="silu", attention_bias=False, mlp_bias=False,
                         bos_token_id=0, eos_token_id=1, pad_token_id=3, initializer_range=0.3)
    config._attn_implementation = "eager"
    policy_model = make_model(config)
    reference_model = make_model(config)
    os.makedirs(OUT, exist_ok=True)
    policy_model.save_pretrained(OUT, safe_serialization=True)
    path = os.path.join(OUT, "generation_config.json")
    if os.path.exists(path):
        os.remove(path)

    # Four sampled sequences: a prompt of varying length, then the answer rows the mask selects.
    B, T = 4, 12
    g = torch.Generator().manual_seed(23)
    tokens = torch.randint(0, 64, (B, T), generator=g)
    targets = torch.randint(0, 64, (B, T), generator=g)
    mask = torch.zeros(B, T)
    for b, (start, end) in enumerate([(3, 12), (5, 10), (2, 12), (6, 9)]):
        mask[b, start:end] = 1  # answer rows; the tail of rows 1 and 3 is padding
    advantages = torch.tensor([0.75, -0.5, 1.25, -1.5])

    with torch.no_grad():
        ref_logits = reference_model(input_ids=tokens).logits
    logits = policy_model(input_ids=tokens).logits
    loss, policy, kl = rl_loss(logits, ref_logits, targets, mask, advantages)
    loss.backward()
    grads = {n: p.grad.detach().clone().contiguous() for n, p in policy_model.named_parameters()}
    save_file(grads, os.path.join(OUT, "grads.safetensors"))

    policy_model.zero_grad()
    kl_only, _, _ = rl_loss(policy_model(input_ids=tokens).logits, ref_logits, targets, mask, torch.zeros(B))
    kl_only.backward()
    grads = {n: p.grad.detach().clone().contiguous() for n, p in policy_model.named_parameters()}
    save_file(grads, os.path.join(OUT, "grads_kl.safetensors"))

    with open(os.path.join(OUT, "reference.json"), "w") as f:
        json.dump({"batch": B, "length": T, "vocab": config.vocab_size,
                   "tokens": tokens.flatten().tolist(), "targets": targets.flatten().tolist(),
                   "mask": mask.flatten().tolist(), "advantages": advantages.tolist(),
                   "reference_logits": ref_logits.flatten().tolist(),
                   "kl_coefficient": BETA, "temperature": TAU,
                   "loss": loss.item(), "policy": policy.item(), "kl": kl.item()}, f)
    print("loss", loss.item(), "policy", policy.item(), "kl", kl.item())


if __name__ == "__main__":
    main()
