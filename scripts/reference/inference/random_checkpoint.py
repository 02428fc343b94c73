#!/usr/bin/env python3
"""Writes a random-weight Llama checkpoint of a real model's shape, in BF16, tensor by tensor
(the 8B shape never exists in memory as a whole model), with a word-level tokenizer whose token
"t<N>" is id N, so that any token-id prompt can be written as text.

    python scripts/reference/inference/random_checkpoint.py --shape llama-3.2-1b --out DIR
    python scripts/reference/inference/random_checkpoint.py --shape llama-3-8b --out DIR

Weights: N(0, 1) · 1.5 / sqrt(fan_in) for matrices, 1 + 0.2 · N(0, 1) for norms (seeded), so
that every layer changes the residual stream. The config is written by transformers' LlamaConfig,
so `AutoModelForCausalLM.from_pretrained(DIR)` loads the directory.
"""
import argparse, json, os
import torch
from safetensors.torch import save_file
from transformers import LlamaConfig

SHAPES = {
    # Llama-3.2-1B: hidden 2048, 16 layers, 32/8 heads, llama3 rope scaling; untied here as the issue asks.
    "llama-3.2-1b": dict(hidden_size=2048, intermediate_size=8192, num_hidden_layers=16, num_attention_heads=32,
                         num_key_value_heads=8, vocab_size=128256, max_position_embeddings=131072,
                         rope_parameters={"rope_type": "llama3", "rope_theta": 500000.0, "factor": 32.0,
                                          "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                                          "original_max_position_embeddings": 8192},
                         tie_word_embeddings=False, rms_norm_eps=1e-5, bos_token_id=128000, eos_token_id=[128001, 128009]),
    # Llama-3-8B: hidden 4096, 32 layers, 32/8 heads, ffn 14336.
    "llama-3-8b": dict(hidden_size=4096, intermediate_size=14336, num_hidden_layers=32, num_attention_heads=32,
                       num_key_value_heads=8, vocab_size=128256, max_position_embeddings=8192,
                       rope_parameters={"rope_type": "default", "rope_theta": 500000.0},
                       tie_word_embeddings=False, rms_norm_eps=1e-5, bos_token_id=128000, eos_token_id=128001),
}


def tensors(cfg):
    d, f, L = cfg.hidden_size, cfg.intermediate_size, cfg.num_hidden_layers
    hd = d // cfg.num_attention_heads
    q, kv = cfg.num_attention_heads * hd, cfg.num_key_value_heads * hd
    yield "model.embed_tokens.weight", (cfg.vocab_size, d)
    for l in range(L):
        p = f"model.layers.{l}."
        yield p + "input_layernorm.weight", (d,)
        yield p + "self_attn.q_proj.weight", (q, d)
        yield p + "self_attn.k_proj.weight", (kv, d)
        yield p + "self_attn.v_proj.weight", (kv, d)
        yield p + "self_attn.o_proj.weight", (d, q)
        yield p + "post_attention_layernorm.weight", (d,)
        yield p + "mlp.gate_proj.weight", (f, d)
        yield p + "mlp.up_proj.weight", (f, d)
        yield p + "mlp.down_proj.weight", (d, f)
    yield "model.norm.weight", (d,)
    yield "lm_head.weight", (cfg.vocab_size, d)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shape", choices=sorted(SHAPES), required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--shard-bytes", type=int, default=2 << 30)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    cfg = LlamaConfig(**SHAPES[args.shape])
    cfg.architectures = ["LlamaForCausalLM"]
    cfg.dtype = "bfloat16"
    g = torch.Generator().manual_seed(1234)
    shards, current, size, weight_map = [], {}, 0, {}

    def flush():
        # Each shard goes to disk as soon as it is full: the model never exists in memory whole.
        nonlocal current, size
        if current:
            path = os.path.join(args.out, f"part-{len(shards):05d}.tmp")
            save_file(current, path, metadata={"format": "pt"})
            shards.append((path, list(current)))
            current, size = {}, 0

    names = list(tensors(cfg))
    total = sum(torch.Size(s).numel() * 2 for _, s in names)
    count = 0
    for name, shape in names:
        if len(shape) == 1:
            t = 1 + 0.2 * torch.randn(shape, generator=g)
        else:
            t = torch.randn(shape, generator=g) * (1.5 / shape[-1] ** 0.5)
        t = t.to(torch.bfloat16)
        if size + t.numel() * 2 > args.shard_bytes:
            flush()
        current[name] = t
        size += t.numel() * 2
        count += t.numel() * 2
        print(f"\r{count / 2**30:.1f} / {total / 2**30:.1f} GiB", end="", flush=True)
    flush()
    n = len(shards)
    for i, (path, shard_names) in enumerate(shards):
        file = f"model-{i + 1:05d}-of-{n:05d}.safetensors"
        os.replace(path, os.path.join(args.out, file))
        for name in shard_names:
            weight_map[name] = file
    with open(os.path.join(args.out, "model.safetensors.index.json"), "w") as fh:
        json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, fh, indent=2, sort_keys=True)
    cfg.save_pretrained(args.out)
    gen = os.path.join(args.out, "generation_config.json")
    if os.path.exists(gen):
        os.remove(gen)
    write_tokenizer(args.out, cfg.vocab_size)
    print(f"\n{args.out}: {args.shape}, {total / 2**30:.2f} GiB in {n} shards")


def write_tokenizer(out, vocab_size):
    """A word-level tokenizer: "t<N>" is token N, so prompts of token ids can go through any command."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    tok = Tokenizer(models.WordLevel({f"t{i}": i for i in range(vocab_size)}, unk_token="t0"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok.save(os.path.join(out, "tokenizer.json"))


if __name__ == "__main__":
    main()
