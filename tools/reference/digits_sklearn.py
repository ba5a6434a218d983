#!/usr/bin/python3
"""Reference facts about scikit-learn's 8x8 digits for test/data/digits.test.ts.

Run with Debian's python (apt-get install python3-sklearn), from the repo root:
    /usr/bin/python3 tools/reference/digits_sklearn.py
Writes test/fixtures/digits_sklearn.json: label counts (all, first half, second half), the pixel sum
per class and a few pixels from `load_digits()`, and the test accuracy of the classic example's
`SVC(gamma=0.001)` on the unshuffled half/half split (the issue's 96.9 %).
"""
import json
import os

import numpy as np
import sklearn
from sklearn import datasets, svm
from sklearn.model_selection import train_test_split

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "test", "fixtures", "digits_sklearn.json")


def main():
    d = datasets.load_digits()
    x, y = d.data, d.target
    n = len(y)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.5, shuffle=False)
    clf = svm.SVC(gamma=0.001).fit(x_train, y_train)
    pixels = [[i, r, c, int(d.images[i, r, c])] for i, r, c in [(0, 0, 2), (0, 1, 3), (1, 3, 4), (1796, 7, 6), (898, 4, 4), (1000, 2, 5)]]
    out = {
        "sklearn_version": sklearn.__version__,
        "generated_by": "tools/reference/digits_sklearn.py",
        "regenerate": "/usr/bin/python3 tools/reference/digits_sklearn.py",
        "n_samples": n,
        "n_train": len(y_train),
        "counts": np.bincount(y, minlength=10).tolist(),
        "counts_train": np.bincount(y_train, minlength=10).tolist(),
        "counts_test": np.bincount(y_test, minlength=10).tolist(),
        "pixel_sum_per_class": [int(x[y == k].sum()) for k in range(10)],
        "first_labels": y[:12].tolist(),
        "last_labels": y[-12:].tolist(),
        "pixels": pixels,  # [sample, row, col, value 0..16]
        "svc_gamma_0.001_test_accuracy": float(clf.score(x_test, y_test)),
    }
    with open(OUT, "w") as fh:
        json.dump(out, fh, separators=(",", ":"))
        fh.write("\n")
    print(f"wrote {os.path.relpath(OUT, ROOT)} (scikit-learn {sklearn.__version__})")


if __name__ == "__main__":
    main()
