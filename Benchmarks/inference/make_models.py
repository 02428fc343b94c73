#!/usr/bin/env python3
"""Random-weight models for the inference benchmark, written as Hugging Face directories (F32):
a tiny Llama, a GPT-2-small-shaped model and a Qwen2-0.5B-shaped model."""
import os, sys
import torch
from transformers import GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM, Qwen2Config, Qwen2ForCausalLM

out = sys.argv[1]
torch.manual_seed(0)
shapes = {
    "tiny-llama": lambda: LlamaForCausalLM(LlamaConfig(vocab_size=2048, hidden_size=128, intermediate_size=352,
        num_hidden_layers=4, num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=512,
        tie_word_embeddings=True)),
    "gpt2-small": lambda: GPT2LMHeadModel(GPT2Config(vocab_size=50257, n_embd=768, n_layer=12, n_head=12, n_positions=1024)),
    "qwen2-0.5b": lambda: Qwen2ForCausalLM(Qwen2Config(vocab_size=151936, hidden_size=896, intermediate_size=4864,
        num_hidden_layers=24, num_attention_heads=14, num_key_value_heads=2, max_position_embeddings=32768,
        rope_theta=1000000.0, tie_word_embeddings=True)),
}
for name, build in shapes.items():
    d = os.path.join(out, name)
    if os.path.exists(os.path.join(d, "config.json")):
        continue
    with torch.no_grad():
        model = build().float()
    model.save_pretrained(d, safe_serialization=True, max_shard_size="4GB")
    print(f"wrote {d}", file=sys.stderr)
