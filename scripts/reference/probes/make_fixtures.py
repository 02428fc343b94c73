#!/usr/bin/env python3
"""Golden files for the Probes module (run from the repository root with the reference venv).

Writes Tests/Fixtures/probes/:
  <name>.x.bin   float64 little-endian row-major matrices (the datasets themselves)
  golden.json    scikit-learn / numpy results the Swift tests compare against

Datasets are synthetic (seeded numpy): a planted-direction 300x32 set, an imbalanced 300x32 set
(60 positives), a wide 40x100 set (n < d, exercises the Gram path of PCA) and a tied-scores case.
"""
import json
import os
import sys

import numpy as np
from sklearn.covariance import ledoit_wolf_shrinkage
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score, roc_curve
from sklearn.preprocessing import StandardScaler

OUT = os.path.join("Tests", "Fixtures", "probes")


def planted(rng, n, d, n_pos, offset):
    direction = rng.normal(size=d)
    direction /= np.linalg.norm(direction)
    # Anisotropic noise so that standardisation and class weights change the answer.
    scales = np.exp(rng.normal(scale=0.5, size=d))
    x = rng.normal(size=(n, d)) * scales + rng.normal(size=d) * 3.0
    labels = np.zeros(n, dtype=np.int32)
    labels[rng.choice(n, size=n_pos, replace=False)] = 1
    x += np.outer(labels * offset, direction)
    return x, labels


def write_matrix(name, x):
    path = os.path.join(OUT, f"{name}.x.bin")
    np.ascontiguousarray(x, dtype="<f8").tofile(path)
    return os.path.basename(path)


def logistic_cases(x, labels):
    cases = []
    for standardize in (False, True):
        xs = StandardScaler().fit_transform(x) if standardize else x
        for c in (1.0, 0.01):
            for cw in (None, "balanced"):
                model = LogisticRegression(C=c, class_weight=cw, tol=1e-12, max_iter=100000)
                model.fit(xs, labels)
                cases.append({
                    "C": c, "class_weight": cw or "none", "standardize": standardize,
                    "coef": model.coef_[0].tolist(), "intercept": float(model.intercept_[0]),
                })
    return cases


def pca_case(x, k):
    model = PCA(n_components=k, svd_solver="full").fit(x)
    return {
        "k": k,
        "components": model.components_.tolist(),
        "explained_variance": model.explained_variance_.tolist(),
        "explained_variance_ratio": model.explained_variance_ratio_.tolist(),
        "mean": model.mean_.tolist(),
    }


def lda_case(x, labels):
    """Pooled class-centred covariance S (divided by n), Ledoit-Wolf shrinkage, w = Σ⁻¹(μ₁ − μ₀)."""
    m1, m0 = x[labels == 1].mean(axis=0), x[labels == 0].mean(axis=0)
    centred = x - np.where(labels[:, None] == 1, m1, m0)
    shrinkage = float(ledoit_wolf_shrinkage(centred, assume_centered=True))
    s = centred.T @ centred / len(x)
    mu = np.trace(s) / s.shape[0]
    sigma = (1 - shrinkage) * s + shrinkage * mu * np.eye(s.shape[0])
    return {"shrinkage": shrinkage, "weights": np.linalg.solve(sigma, m1 - m0).tolist()}


def dataset(name, x, labels, k):
    return {
        "file": write_matrix(name, x),
        "rows": x.shape[0], "columns": x.shape[1],
        "labels": labels.tolist(),
        "logistic": logistic_cases(x, labels),
        "pca": pca_case(x, k),
        "lda": lda_case(x, labels),
    }


def auroc_case(scores, labels):
    fpr, tpr, thresholds = roc_curve(labels, scores, drop_intermediate=False)
    assert np.isinf(thresholds[0])
    return {
        "scores": scores.tolist(), "labels": labels.tolist(),
        "auroc": float(roc_auc_score(labels, scores)),
        # thresholds[0] is +inf (JSON has no inf): the Swift test checks it separately.
        "roc_fpr": fpr.tolist(), "roc_tpr": tpr.tolist(), "roc_thresholds_after_first": thresholds[1:].tolist(),
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20260101)
    golden = {"sklearn": __import__("sklearn").__version__, "numpy": np.__version__, "datasets": {}, "auroc": {}}

    x, labels = planted(rng, 300, 32, 150, 1.5)
    golden["datasets"]["balanced"] = dataset("balanced", x, labels, 5)
    x, labels = planted(rng, 300, 32, 60, 1.0)
    golden["datasets"]["imbalanced"] = dataset("imbalanced", x, labels, 5)
    x, labels = planted(rng, 40, 100, 20, 2.0)
    golden["datasets"]["wide"] = dataset("wide", x, labels, 4)

    # Heavy ties: integer scores 0..4 for 200 rows.
    labels = (rng.random(200) < 0.4).astype(np.int32)
    scores = np.clip(np.round(labels * 1.0 + rng.normal(size=200)), -2, 3).astype(np.float64)
    golden["auroc"]["ties"] = auroc_case(scores, labels)
    # Continuous scores, imbalanced.
    labels = (rng.random(500) < 0.1).astype(np.int32)
    scores = labels * 0.8 + rng.normal(size=500)
    golden["auroc"]["continuous"] = auroc_case(scores, labels)
    # Every score equal: AUROC is exactly 0.5.
    labels = np.array([0, 1, 1, 0, 1, 0, 0, 1], dtype=np.int32)
    golden["auroc"]["all_tied"] = auroc_case(np.zeros(8), labels)

    with open(os.path.join(OUT, "golden.json"), "w") as f:
        json.dump(golden, f, indent=1, sort_keys=True)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(OUT, p)) for p in os.listdir(OUT))
    print(f"wrote {OUT}: {total / 1024:.0f} KiB", file=sys.stderr)


if __name__ == "__main__":
    main()
