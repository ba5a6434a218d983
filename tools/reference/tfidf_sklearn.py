#!/usr/bin/python3
"""Reference TF-IDF values from scikit-learn for test/text/tfidf.test.ts.

Run with Debian's python (apt-get install python3-sklearn), from the repo root:
    /usr/bin/python3 tools/reference/tfidf_sklearn.py
Writes test/fixtures/text/tfidf_sklearn.json. CI only reads the committed JSON.

Documents are given pre-tokenized (tokens joined by single spaces; tokenizer=str.split), so the
fixture checks rnnkit's counting, n-grams, idf and normalisation, not a tokenizer.
"""
import json
import os

import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer

DOCS = [
    "the recurrent network reads the sequence one token at a time",
    "the network keeps a hidden state between time steps",
    "a hidden state is a summary of the sequence so far",
    "gradients vanish when the sequence is long",
    "the lstm adds gates to the recurrent cell",
    "the gru has fewer gates than the lstm",
    "循环 神经网络 模型 由此 具备 了 记忆 能力",
    "神经网络 的 记忆 能力 来自 隐藏 状态 the state",
    "南京市 长江大桥 the the the",
]

CASES = {
    "default": {},
    "bigram_sublinear_l1": {"ngram_range": (1, 2), "sublinear_tf": True, "norm": "l1"},
    "nosmooth_mindf2_maxdf": {"smooth_idf": False, "min_df": 2, "max_df": 0.5},
    "binary_noidf_nonorm": {"binary": True, "use_idf": False, "norm": None},
    "counts": {"use_idf": False, "norm": None},
    "maxfeatures": {"max_features": 5, "ngram_range": (1, 2)},
}


def main():
    out = {"sklearn": sklearn.__version__, "numpy": np.__version__, "docs": [d.split(" ") for d in DOCS], "cases": {}}
    for name, kw in CASES.items():
        v = TfidfVectorizer(tokenizer=str.split, token_pattern=None, lowercase=False, **kw)
        x = v.fit_transform(DOCS).toarray()
        case = {k: (list(val) if isinstance(val, tuple) else val) for k, val in kw.items()}
        out["cases"][name] = {
            "params": case,
            "vocabulary": v.get_feature_names_out().tolist(),
            "idf": v.idf_.tolist() if v.use_idf else None,
            "matrix": x.tolist(),
        }
    path = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "text", "tfidf_sklearn.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=0)
        f.write("\n")
    print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()
