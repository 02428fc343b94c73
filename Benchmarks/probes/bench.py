#!/usr/bin/env python3
"""Python side of bench.sh: scikit-learn / numpy on the same bytes, then the comparison table.

usage: bench.py BIN WORKDIR [quick]
"""
import json
import os
import subprocess
import sys
import time
import warnings

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

BIN, WORK = sys.argv[1], sys.argv[2]
warnings.simplefilter("ignore")  # sklearn's ConvergenceWarning is reported in the table (n_iter)
QUICK = len(sys.argv) > 3 and sys.argv[3] == "quick"
C, K = 1.0, 5
# Each side is timed REPEAT times and the fastest run kept: the machine is shared, and the
# minimum is the least disturbed measurement of either side.
REPEAT = int(os.environ.get("REPEAT", "2"))


def swift(*args, repeat=1):
    best = {}
    for _ in range(repeat):
        out = subprocess.run([BIN, *map(str, args)], check=True, capture_output=True, text=True).stdout
        result = json.loads(out.strip().splitlines()[-1]) if out.strip() else {}
        if not best or result.get("seconds", 0) < best.get("seconds", 0):
            best = result
    return best


def timed(fn):
    """(fastest seconds over REPEAT runs, result of the last run)"""
    best, result = float("inf"), None
    for _ in range(REPEAT):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def load(prefix, rows, dims):
    x = np.fromfile(prefix + ".x.f32", dtype="<f4").reshape(rows, dims)
    y = np.fromfile(prefix + ".y.i32", dtype="<i4")
    return x, y


def cosine(a, b):
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


rows_table = []
log_shapes = [(2000, 128), (2000, 256)] if QUICK else [(20000, 896), (20000, 4096)]
dir_shapes = [(2000, 128), (200, 512)] if QUICK else [(20000, 896), (2000, 4096)]

for rows, dims in log_shapes:
    prefix = os.path.join(WORK, f"log_{rows}x{dims}")
    swift("generate", prefix, rows, dims, 7)
    x, y = load(prefix, rows, dims)
    xt, yt = load(prefix + ".test", rows // 4, dims)
    # lbfgs, tol=1e-4, max_iter=100: scikit-learn's defaults.
    sk_time, model = timed(lambda: LogisticRegression(C=C).fit(x, y))
    sk_auroc = roc_auc_score(yt, model.decision_function(xt))
    planted = np.fromfile(prefix + ".direction.f64", dtype="<f8")
    for storage, tol in (("double", 1e-4), ("float32", 1e-4), ("double", 1e-6)):
        out = os.path.join(WORK, f"coef_{rows}x{dims}_{storage}_{tol}.f64")
        result = swift("logistic", prefix, rows, dims, C, tol, storage, out, repeat=REPEAT)
        coef = np.fromfile(out, dtype="<f8")
        rows_table.append((f"logistic {rows}x{dims} {storage} tol={tol:g}", result["seconds"], sk_time,
                           f"AUROC {result['auroc']:.4f} vs {sk_auroc:.4f}; cos(w, sklearn) {cosine(coef[:-1], model.coef_[0]):.6f}; "
                           f"it {result['iterations']} vs {model.n_iter_[0]}; cos(w, planted) {cosine(coef[:-1], planted):.3f}"))

for rows, dims in dir_shapes:
    prefix = os.path.join(WORK, f"dir_{rows}x{dims}")
    swift("generate", prefix, rows, dims, 11)
    x, _ = load(prefix, rows, dims)
    np_time, (_, s, vt) = timed(lambda: np.linalg.svd(x - x.mean(axis=0), full_matrices=False))
    # The automatic route, and for the wide shape also the (d, d) covariance route it avoids.
    routes = ["automatic"] + (["covariance"] if dims > rows else [])
    for route in routes:
        out = os.path.join(WORK, f"comp_{rows}x{dims}_{route}.f64")
        result = swift("directions", prefix, rows, dims, K, out, route, repeat=REPEAT)
        comps = np.fromfile(out, dtype="<f8").reshape(K, dims)
        cosines = [abs(cosine(comps[i], vt[i])) for i in range(K)]
        variance = s[:K].astype(np.float64) ** 2 / (rows - 1)
        rel = np.max(np.abs(np.array(result["explained_variance"]) - variance) / variance)
        label = result["route"] + (", forced" if route != "automatic" else "")
        rows_table.append((f"top-{K} directions {rows}x{dims} ({label})", result["seconds"], np_time,
                           f"min |cos| vs numpy {min(cosines):.6f}; max rel. var diff {rel:.1e}"))

print(f"\nOPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', '(unset)')} "
      f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')} "
      f"OPENBLAS_L2_SIZE={os.environ.get('OPENBLAS_L2_SIZE', '(unset)')}")
print(f"{'case':<44} {'swift s':>8} {'python s':>9} {'speed-up':>8}  notes")
for name, ours, theirs, notes in rows_table:
    print(f"{name:<44} {ours:8.3f} {theirs:9.3f} {theirs / ours:7.2f}x  {notes}")
