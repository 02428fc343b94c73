"""Python `tokenizers` side of bench.sh: encodes TEXT_FILE line by line (or, with --whole, as one
string), single-threaded."""
import os
import sys
import time

os.environ.setdefault("RAYON_NUM_THREADS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
from tokenizers import Tokenizer  # noqa: E402

tokenizer = Tokenizer.from_file(sys.argv[1])
text = open(sys.argv[2], encoding="utf-8").read()
whole = "--whole" in sys.argv
args = [a for a in sys.argv[1:] if a != "--whole"]
lines = [text] if whole else [line + "\n" for line in text.split("\n")]
megabytes = len(text.encode()) / 1e6
best = float("inf")
for _ in range(int(args[2]) if len(args) > 2 else 3):
    start = time.perf_counter()
    count = 0
    for line in lines:
        count += len(tokenizer.encode(line, add_special_tokens=False).ids)
    best = min(best, time.perf_counter() - start)
print(f"python: {megabytes:.3f} MB, {count} tokens, {megabytes / best:.2f} MB/s")
