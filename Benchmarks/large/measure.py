#!/usr/bin/env python3
"""Runs one command and records its wall time, exit status, peak RSS (the child's ru_maxrss) and,
when its standard output is one JSON object, that object:  measure.py OUT.json COMMAND ARGS..."""
import json, resource, subprocess, sys, time

out, command = sys.argv[1], sys.argv[2:]
t0 = time.perf_counter()
p = subprocess.run(command, stdout=subprocess.PIPE, text=True)
wall = time.perf_counter() - t0
record = {"command": command, "exit": p.returncode, "wall_seconds": wall,
          "peak_rss_bytes": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024}
try:
    record["output"] = json.loads(p.stdout.strip().splitlines()[-1])
except (ValueError, IndexError):
    record["output"] = p.stdout[-2000:]
json.dump(record, open(out, "w"), indent=1)
print(f"  {wall:.1f} s, peak RSS {record['peak_rss_bytes'] / 2**30:.2f} GiB, exit {p.returncode}", file=sys.stderr)
sys.exit(p.returncode)
