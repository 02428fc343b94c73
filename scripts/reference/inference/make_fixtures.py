#!/usr/bin/env python3
"""Golden files for the inference core: tiny random-weight models built with Hugging Face
`transformers`, saved as model directories, with their hidden states, logits and greedy
continuations for a fixed set of token-id prompts.

    python scripts/reference/inference/make_fixtures.py [--out Tests/Fixtures/inference]

Each model directory gets `reference.json`:
  prompts: [[ids]], hidden_states[p][i] = HF hidden_states[i] of prompt p (T, d) flattened,
  logits[p] (T, vocab) flattened, greedy[p] = 8 greedy new tokens (no EOS stop).
"""
import argparse, json, os, shutil
import torch
from transformers import (AutoModelForCausalLM, GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM,
                          MistralConfig, MistralForCausalLM, Qwen2Config, Qwen2ForCausalLM)

VOCAB = 128
PROMPTS = [[5], [1, 17, 42, 99], [1, 3, 3, 3, 7, 120, 64, 2, 11], [1, 100, 90, 80, 70, 60, 50, 40, 30, 20, 10, 5, 0]]
NEW_TOKENS = 8


def randomize(model, seed):
    """HF initialises norms to 1 and biases to 0, and std 0.02 makes every layer nearly linear:
    perturb every parameter so that each code path changes the result."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() == 1 and ("norm" in name or "ln_" in name):
                p.copy_(1 + 0.2 * torch.randn(p.shape, generator=g))
            elif p.dim() == 1:
                p.copy_(0.1 * torch.randn(p.shape, generator=g))
            else:
                p.copy_(torch.randn(p.shape, generator=g) / (p.shape[-1] ** 0.5) * 1.5)


def build(name, model, out, dtype=torch.float32, shard=None, old_style=False):
    d = os.path.join(out, name)
    shutil.rmtree(d, ignore_errors=True)
    model = model.to(dtype)
    kwargs = {"max_shard_size": shard} if shard else {}
    model.save_pretrained(d, safe_serialization=True, **kwargs)
    for extra in ("generation_config.json",):
        p = os.path.join(d, extra)
        if os.path.exists(p):
            os.remove(p)
    if old_style:
        # The config style most published checkpoints carry: top-level rope_theta, torch_dtype.
        with open(os.path.join(d, "config.json")) as f:
            cfg = json.load(f)
        rope = cfg.pop("rope_parameters", None) or {}
        cfg["rope_theta"] = rope.get("rope_theta", 10000.0)
        if rope.get("rope_type", "default") != "default":
            cfg["rope_scaling"] = {k: v for k, v in rope.items() if k != "rope_theta"}
        cfg["torch_dtype"] = cfg.pop("dtype", "float32")
        with open(os.path.join(d, "config.json"), "w") as f:
            json.dump(cfg, f, indent=2, sort_keys=True)
    # The reference runs the saved (possibly rounded) weights in float32.
    ref = AutoModelForCausalLM.from_pretrained(d, dtype=torch.float32, attn_implementation="eager").eval()
    record = {"prompts": PROMPTS, "hidden_states": [], "logits": [], "greedy": [], "new_tokens": NEW_TOKENS,
              "num_hidden_states": ref.config.num_hidden_layers + 1}
    with torch.no_grad():
        for p in PROMPTS:
            ids = torch.tensor([p])
            o = ref(ids, output_hidden_states=True)
            record["hidden_states"].append([h[0].flatten().tolist() for h in o.hidden_states])
            record["logits"].append(o.logits[0].flatten().tolist())
            g = ref.generate(ids, max_new_tokens=NEW_TOKENS, do_sample=False, eos_token_id=None,
                             pad_token_id=0, attention_mask=torch.ones_like(ids))
            record["greedy"].append(g[0, len(p):].tolist())
    with open(os.path.join(d, "reference.json"), "w") as f:
        json.dump(record, f, separators=(",", ":"))
    size = sum(os.path.getsize(os.path.join(d, x)) for x in os.listdir(d))
    print(f"{name}: {ref.config.architectures[0]}, {size/1024:.0f} KiB")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "../../../Tests/Fixtures/inference"))
    ap.add_argument("--only", help="write this fixture only (the others keep their bytes)")
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    global build
    if args.only:
        full_build = build
        def build(name, *a, **k):
            if name == args.only:
                full_build(name, *a, **k)
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)

    # Llama, tied embeddings, grouped-query attention, old-style config.json.
    m = LlamaForCausalLM(LlamaConfig(vocab_size=VOCAB, hidden_size=64, intermediate_size=96, num_hidden_layers=3,
                                     num_attention_heads=4, num_key_value_heads=2, rms_norm_eps=1e-5,
                                     tie_word_embeddings=True, max_position_embeddings=128, rope_theta=10000.0,
                                     bos_token_id=1, eos_token_id=2))
    randomize(m, 1); build("llama-tied", m, out, old_style=True)

    # Llama, untied, explicit head_dim different from hidden/heads, llama3 rope scaling, BF16 on disk.
    m = LlamaForCausalLM(LlamaConfig(vocab_size=VOCAB, hidden_size=64, intermediate_size=80, num_hidden_layers=2,
                                     num_attention_heads=4, num_key_value_heads=1, head_dim=24, rms_norm_eps=1e-6,
                                     tie_word_embeddings=False, max_position_embeddings=128,
                                     rope_parameters={"rope_type": "llama3", "rope_theta": 500000.0, "factor": 8.0,
                                                      "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                                                      "original_max_position_embeddings": 16}))
    randomize(m, 2); build("llama-bf16", m, out, dtype=torch.bfloat16)

    # Qwen2: q/k/v biases, F16 on disk.
    m = Qwen2ForCausalLM(Qwen2Config(vocab_size=VOCAB, hidden_size=64, intermediate_size=96, num_hidden_layers=2,
                                     num_attention_heads=4, num_key_value_heads=2, rms_norm_eps=1e-6,
                                     tie_word_embeddings=True, max_position_embeddings=128, rope_theta=1000000.0))
    randomize(m, 3); build("qwen2-f16", m, out, dtype=torch.float16)

    # Mistral: sliding window shorter than the longest prompt, sharded checkpoint.
    m = MistralForCausalLM(MistralConfig(vocab_size=VOCAB, hidden_size=64, intermediate_size=96, num_hidden_layers=2,
                                         num_attention_heads=4, num_key_value_heads=2, sliding_window=6,
                                         max_position_embeddings=128, tie_word_embeddings=False))
    randomize(m, 4); build("mistral-sharded", m, out, shard="60KB")

    # GPT-2: Conv1D weights, learned positions, LayerNorm, gelu_new.
    m = GPT2LMHeadModel(GPT2Config(vocab_size=VOCAB, n_embd=64, n_layer=3, n_head=4, n_positions=64, bos_token_id=0, eos_token_id=0))
    randomize(m, 5); build("gpt2", m, out)

    # Llama in BF16, wide enough (hidden 512, widths that are not multiples of the SIMD lanes)
    # that the half-precision GEMV and the widened-tile GEMM meet their edge cases.
    m = LlamaForCausalLM(LlamaConfig(vocab_size=300, hidden_size=512, intermediate_size=388, num_hidden_layers=2,
                                     num_attention_heads=8, num_key_value_heads=2, rms_norm_eps=1e-5,
                                     tie_word_embeddings=False, max_position_embeddings=256, rope_theta=10000.0))
    randomize(m, 6); build("llama-bf16-wide", m, out, dtype=torch.bfloat16)


if __name__ == "__main__":
    main()
