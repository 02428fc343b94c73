"""Small tokenizer.json seeds for Fuzz/Tokenizer: each fixture tokenizer with its vocabulary
cut to a few dozen entries (and the merges among them), every other component kept, so the
fuzzer mutates 1-3 KB files that still reach every normalizer, pre-tokenizer, model, decoder
and post-processor type instead of spending its time parsing 20 KB vocabularies. Each seed is
checked to load in `tokenizers` and written as 0x00 + JSON (the harness's "parse" mode).

usage: python scripts/reference/fuzz/tokenizer_seeds.py   (from the repository root)
"""
import json
import pathlib

from tokenizers import Tokenizer

FIXTURES = pathlib.Path("Tests/Fixtures/tokenizers")
OUT = pathlib.Path("Fuzz/Seeds/Tokenizer")
KEEP = 48      # lowest ids kept from each vocabulary
MERGES = 24    # merges kept (those whose parts are kept)


def shrink(doc):
    model = doc["model"]
    special = {t["content"] for t in doc.get("added_tokens", [])}
    if model["type"] == "Unigram":
        keep = max(KEEP, (model.get("unk_id") or 0) + 1)
        model["vocab"] = model["vocab"][:keep]
        # Added tokens past the vocabulary follow it directly (ids are positions here).
        for token in doc.get("added_tokens", []):
            if token["id"] >= keep:
                token["id"] = keep
                keep += 1
        return
    vocab = model["vocab"]
    kept = {tok: i for tok, i in vocab.items() if i < KEEP or tok in special or tok == model.get("unk_token")}
    if "merges" in model:
        merges = []
        for merge in model["merges"]:
            left, right = merge.split(" ", 1) if isinstance(merge, str) else merge
            if left in kept and right in kept and left + right in vocab:
                merges.append(merge)
                kept[left + right] = vocab[left + right]
            if len(merges) == MERGES:
                break
        model["merges"] = merges
    model["vocab"] = dict(sorted(kept.items(), key=lambda item: item[1]))


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for path in sorted(FIXTURES.glob("*/tokenizer.json")):
        doc = json.loads(path.read_text())
        shrink(doc)
        text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
        Tokenizer.from_str(text).encode("Hello, world! naïve café")
        (OUT / f"json-{path.parent.name}").write_bytes(b"\x00" + text.encode())
        print(path.parent.name, len(text), "bytes")


if __name__ == "__main__":
    main()
