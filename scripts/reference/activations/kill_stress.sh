#!/bin/bash
# Kill-safety stress check (not run by CI): SIGKILLs WriterCrashTest at random moments and
# checks with h5py that every killed file opens and reads its first n_done prompts.
# usage: scripts/reference/activations/kill_stress.sh [RUNS]   (after a release build)
set -u
RUNS=${1:-60}
BIN=$(swift build -c release --show-bin-path)/WriterCrashTest
PY=${PYTHON:-/work/venv/bin/python}
DIR=$(mktemp -d)
ok=0; bad=0
for i in $(seq 1 "$RUNS"); do
  f=$DIR/k$i.h5
  mode=plain; [ $((i % 2)) = 0 ] && mode=compress
  pos=last; [ $((i % 3)) = 0 ] && pos=all
  "$BIN" "$f" 100000 8 0 $mode $pos > /dev/null &
  pid=$!
  sleep 0.$((RANDOM % 9 + 1))$((RANDOM % 10))
  kill -9 $pid; wait $pid 2>/dev/null
  if "$PY" - "$f" <<'PY'
import sys, h5py
f = h5py.File(sys.argv[1], "r")
n = int(f.attrs["n_done"])
t = int(f["tokens/offsets"][n])
rows = t if f.attrs["positions"] == "all" else n
for k in f["acts"]:
    assert f["acts"][k][:rows].shape[0] == rows
assert len(f["prompts/text"][:n]) == n
f["tokens/ids"][:t]
PY
  then ok=$((ok+1)); else bad=$((bad+1)); echo "BAD $f ($mode $pos)"; fi
done
echo "killed $RUNS writers: $ok files read back to n_done, $bad unreadable"
rm -rf "$DIR"
