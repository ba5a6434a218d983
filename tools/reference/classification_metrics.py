#!/usr/bin/python3
"""Reference classification metrics from scikit-learn for test/train/classification-metrics.test.ts.

Run with Debian's python (apt-get install python3-sklearn), from the repo root:
    /usr/bin/python3 tools/reference/classification_metrics.py
Writes test/fixtures/classification_metrics.json. CI only reads the committed JSON.

Conventions checked: labels = range(num_classes) (a class absent from both y_true and y_pred still
counts in the macro average), zero_division=0, confusion rows = true class, columns = predicted.
A case with `ignore_index` is scored by sklearn on the kept positions only (y_true != ignore_index),
which is what rnnkit's ignore mask must reproduce.
"""
import json
import os

import numpy as np
import sklearn
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "test", "fixtures", "classification_metrics.json")

rng = np.random.RandomState(0)
random_true = rng.randint(0, 5, size=60)
random_pred = np.where(rng.rand(60) < 0.6, random_true, rng.randint(0, 5, size=60))

CASES = {
    "balanced_small": {"y_true": [0, 1, 2, 0, 1, 2], "y_pred": [0, 2, 1, 0, 0, 1], "num_classes": 3},
    # 90 % of one class; the model predicts mostly that class.
    "imbalanced": {
        "y_true": [0] * 18 + [1] * 2,
        "y_pred": [0] * 17 + [1] + [0, 1],
        "num_classes": 2,
    },
    # class 2 occurs in y_true but is never predicted: its precision is 0/0 -> 0.
    "never_predicted": {"y_true": [0, 1, 2, 2, 1, 0, 2], "y_pred": [0, 1, 1, 0, 1, 0, 1], "num_classes": 3},
    # class 3 is predicted but absent from y_true (recall 0/0 -> 0, support 0); class 4 appears nowhere.
    "absent_from_true": {"y_true": [0, 1, 2, 0, 1, 2, 0], "y_pred": [0, 3, 2, 0, 1, 3, 1], "num_classes": 5},
    "random_5_classes": {"y_true": random_true.tolist(), "y_pred": random_pred.tolist(), "num_classes": 5},
    # per-step tagging: -100 marks padding in y_true (PyTorch's ignore_index default).
    "ignore_index": {
        "y_true": [0, 1, -100, 2, 2, -100, -100, 1, 0],
        "y_pred": [0, 1, 2, 2, 1, 0, 0, 1, 1],
        "num_classes": 3,
        "ignore_index": -100,
    },
}


def report(case):
    yt = np.asarray(case["y_true"])
    yp = np.asarray(case["y_pred"])
    if "ignore_index" in case:
        keep = yt != case["ignore_index"]
        yt, yp = yt[keep], yp[keep]
    labels = list(range(case["num_classes"]))
    p, r, f, s = precision_recall_fscore_support(yt, yp, labels=labels, zero_division=0)
    return {
        "accuracy": float(accuracy_score(yt, yp)),
        "macroF1": float(f1_score(yt, yp, labels=labels, average="macro", zero_division=0)),
        "weightedF1": float(f1_score(yt, yp, labels=labels, average="weighted", zero_division=0)),
        "precision": [float(v) for v in p],
        "recall": [float(v) for v in r],
        "f1": [float(v) for v in f],
        "support": [int(v) for v in s],
        "confusion": confusion_matrix(yt, yp, labels=labels).tolist(),
    }


def main():
    out = {
        "sklearn_version": sklearn.__version__,
        "generated_by": "tools/reference/classification_metrics.py",
        "regenerate": "/usr/bin/python3 tools/reference/classification_metrics.py",
        "cases": {name: {**case, "expected": report(case)} for name, case in CASES.items()},
    }
    with open(OUT, "w") as fh:
        json.dump(out, fh, separators=(",", ":"), allow_nan=False)
        fh.write("\n")
    print(f"wrote {os.path.relpath(OUT, ROOT)} (scikit-learn {sklearn.__version__})")


if __name__ == "__main__":
    main()
