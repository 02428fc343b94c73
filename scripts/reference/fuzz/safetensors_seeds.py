"""Small .safetensors seeds for Fuzz/Safetensors: a few tiny tensors of every dtype the reader
knows, with and without `__metadata__`, written by the reference `safetensors` library. The
fixtures' models (50-160 KB each) made every execution write and convert that much; these are
a few hundred bytes and reach the same header fields.

usage: python scripts/reference/fuzz/safetensors_seeds.py   (from the repository root)
"""
import pathlib

import torch
from safetensors.torch import save

OUT = pathlib.Path("Fuzz/Seeds/Safetensors")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    g = torch.Generator().manual_seed(0)
    seeds = {
        "floats": {
            "model.embed_tokens.weight": torch.randn(4, 3, generator=g),
            "model.norm.weight": torch.randn(3, generator=g).to(torch.float16),
            "lm_head.weight": torch.randn(2, 3, generator=g).to(torch.bfloat16),
            "scale": torch.randn(2, generator=g).to(torch.float64),
        },
        "integers": {
            "ids": torch.arange(6, dtype=torch.int32).reshape(2, 3),
            "offsets": torch.arange(3, dtype=torch.int64),
            "mask": torch.tensor([1, 0, 1], dtype=torch.uint8),
            "small": torch.tensor([-1, 2], dtype=torch.int8),
            "pairs": torch.tensor([3, -4], dtype=torch.int16),
            "flags": torch.tensor([True, False]),
        },
        "scalar-and-empty": {"scalar": torch.tensor(1.5), "empty": torch.zeros(0, 3)},
    }
    for name, tensors in seeds.items():
        (OUT / f"{name}.safetensors").write_bytes(save(tensors))
    (OUT / "metadata.safetensors").write_bytes(
        save({"w": torch.randn(2, 2, generator=g)}, metadata={"format": "pt", "note": "seed"}))
    for path in sorted(OUT.iterdir()):
        print(path.name, path.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
