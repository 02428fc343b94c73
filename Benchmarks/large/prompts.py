#!/usr/bin/env python3
"""Prompts for make bench-large, as word-level text ("t<N>" is token N, random_checkpoint.py's
tokenizer): 64 prompts of 64 tokens, half labelled 1 (they start with the same 8 tokens), 8
ablation prompts, and one 16-token prompt for generate. Token i of prompt b matches
Benchmarks/inference/bench_hf.py: (b·7919 + i·104729 + 1) mod vocab."""
import json, os, sys

out = sys.argv[1]
vocab = 128256
ids = [[(b * 7919 + i * 104729 + 1) % vocab for i in range(64)] for b in range(64)]
with open(os.path.join(out, "prompts.jsonl"), "w") as f:
    for b, p in enumerate(ids):
        label = b % 2
        if label:
            p = list(range(100, 108)) + p[8:]
        f.write(json.dumps({"prompt": " ".join(f"t{t}" for t in p), "label": label, "group": f"g{b // 2}"}) + "\n")
with open(os.path.join(out, "ablate.jsonl"), "w") as f:
    for b in range(8):
        f.write(json.dumps({"prompt": " ".join(f"t{t}" for t in ids[b][:32]), "label": b % 2}) + "\n")
with open(os.path.join(out, "generate_ids.txt"), "w") as f:
    f.write(",".join(map(str, ids[0][:16])))
