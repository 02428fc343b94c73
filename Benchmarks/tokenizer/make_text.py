"""Writes ~1 MB of mixed-script text (the fixture corpus generator, more lines) for bench.sh."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "reference", "tokenizers"))
import texts  # noqa: E402

target = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
lines = []
size = 0
seed = 0
while size < target:
    for line in texts.training_corpus(seed=seed, lines=2000):
        line = line.replace("\n", " ")
        lines.append(line)
        size += len(line.encode()) + 1
        if size >= target:
            break
    seed += 1
with open(sys.argv[1], "w") as f:
    f.write("\n".join(lines))
