#!/usr/bin/env python3
"""h5py side of Benchmarks/activations/bench.sh: writes the same arrays as ActivationBench
(activations with the same chunk shape, plus the same prompt/token datasets), batch by
batch, flushing and updating n_done after each batch (what ActivationWriter does); prints "h5py <MB> MB in <s> s = <MB/s> MB/s".

usage: bench_h5py.py OUT.h5 PROMPTS D_MODEL HOOKS BATCH CHUNK_ROWS [gzip|plain] [float32|float16]
"""
import sys
import time

import h5py
import numpy as np

out, prompts, d_model, hooks, batch, chunk_rows = sys.argv[1], *map(int, sys.argv[2:7])
gzip = len(sys.argv) > 7 and sys.argv[7] == "gzip"
dtype = np.float16 if len(sys.argv) > 8 and sys.argv[8] == "float16" else np.float32


def values(rows, hook):
    # Same hash as ActivationBench: index * 2654435761 mod 2^32, scaled to [-0.5, 0.5).
    r = np.arange(rows.start, rows.stop, dtype=np.uint64)[:, None]
    c = np.arange(d_model, dtype=np.uint64)[None, :]
    index = ((hook * prompts + r) * d_model + c) & 0xFFFFFFFF
    hashed = (index * 2654435761) & 0xFFFFFFFF
    return hashed.astype(np.float32) / np.float32(4294967296) - np.float32(0.5)


batches = []
for start in range(0, prompts, batch):
    rows = range(start, min(prompts, start + batch))
    batches.append([values(rows, h) for h in range(hooks)])

t0 = time.perf_counter()
with h5py.File(out, "w") as f:
    f.attrs["n_done"] = 0
    kwargs = dict(compression="gzip", compression_opts=4, shuffle=True) if gzip else {}
    text_type = h5py.string_dtype("utf-8")
    prompt_sets = {name: f.create_dataset(f"prompts/{name}", shape=(0,), maxshape=(None,), chunks=(chunks,), dtype=t)
                   for name, t, chunks in [("text", text_type, 1024), ("group", text_type, 1024),
                                           ("extra", text_type, 1024), ("label", np.int32, 4096),
                                           ("n_tokens", np.int32, 4096)]}
    ids = f.create_dataset("tokens/ids", shape=(0,), maxshape=(None,), chunks=(16384,), dtype=np.int32)
    offsets = f.create_dataset("tokens/offsets", shape=(1,), maxshape=(None,), chunks=(4096,), dtype=np.int64)
    sets = [f.create_dataset(f"acts/blocks.{h}.hook_resid_post", shape=(0, d_model), maxshape=(None, d_model),
                             chunks=(chunk_rows, d_model), dtype=dtype, **kwargs) for h in range(hooks)]
    done = 0
    for arrays in batches:
        k = arrays[0].shape[0]
        for name, data in [("text", [f"prompt {done + i}" for i in range(k)]), ("group", [""] * k),
                           ("extra", ["{}"] * k), ("label", np.arange(done, done + k, dtype=np.int32) % 2),
                           ("n_tokens", np.ones(k, dtype=np.int32))]:
            prompt_sets[name].resize(done + k, axis=0)
            prompt_sets[name][done:done + k] = data
        ids.resize(done + k, axis=0)
        ids[done:done + k] = np.arange(done, done + k, dtype=np.int32)
        offsets.resize(done + k + 1, axis=0)
        offsets[done + 1:done + k + 1] = np.arange(done + 1, done + k + 1, dtype=np.int64)
        for ds, a in zip(sets, arrays):
            ds.resize(done + k, axis=0)
            ds[done:done + k] = a.astype(dtype, copy=False)
        f.flush()
        done += k
        f.attrs["n_done"] = done
        f.flush()
elapsed = time.perf_counter() - t0
mb = prompts * d_model * hooks * 4 / 1e6
print(f"h5py {mb:.1f} MB in {elapsed:.3f} s = {mb / elapsed:.1f} MB/s")
