#!/usr/bin/python3
"""rnnkit's SequenceClassifier recipe on the 8x8 digits, in plain PyTorch: the reference figure.

The model is src/models/classifier.ts in torch (batch_first):
    nn.RNN/LSTM/GRU(F, hidden, layers, bidirectional, dropout between layers)
    -> pool: last (h_n of the top layer; both directions' ends when bidirectional),
             mean or max over the T steps
    -> Dropout(p) -> Linear(D*hidden, 10)
with PyTorch's default initialisation (as rnnkit's). Data: scikit-learn's load_digits(), pixels/16,
read row by row (x [N,8,8]: T = 8 steps of F = 8) or pixel by pixel (--layout pixels: [N,64,1]);
the classic split: the first 898 samples train, the other 899 test, no shuffle. Training: shuffled
mini-batches (the last one partial), cross-entropy, Adam or AdamW, optional gradient-norm clipping,
the final epoch's weights are scored (as rnnkit's trainClassifier without early stopping).

Augmentation "shift" (--shift K): every training batch's images are translated, each by its own
random integers (dy, dx) drawn uniformly from [-K, K] per axis, out[r][c] = in[r-dy][c-dx] and zero
where that falls outside the image (as rnnkit's shiftImages). K = 0: no augmentation.

Single-threaded by design (the figure sits beside rnnkit's one-core timing). Run from the repo root
with Debian's python (python3-torch 1.13, python3-sklearn; NOT a pyenv python3 on PATH):

    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 /usr/bin/python3 tools/reference/digits_torch.py \\
        --cell lstm --hidden 64 --pool last --optimizer adam --lr 0.01 --epochs 40 --batch-size 32 \\
        --seeds 0,1,2

(the defaults: no flags runs the same) prints one JSON object: the recipe, per-seed test accuracy
and seconds, the median accuracy and the total seconds. The issue's baseline above: median 0.937
over seeds 0,1,2 (0.937, 0.943, 0.919); seeds 0-9 give 0.912-0.946, median 0.930 - the issue's
"about 92.7 %" is inside that spread. 10-25 s a seed measured on a loaded 2-core machine.
Every option (defaults in brackets):
    --cell rnn|lstm|gru [lstm]     --hidden H [64]        --layers L [1]     --bidirectional
    --nonlinearity tanh|relu [tanh] (cell rnn)            --pool last|mean|max [last]
    --dropout P [0]                 --layout rows|pixels [rows]
    --optimizer adam|adamw [adam]   --lr LR [0.01]         --weight-decay WD [0; adamw: 0.01, as rnnkit]
    --clip C [none]                 --epochs E [40]        --batch-size B [32]
    --schedule constant|cosine [constant] (cosine: CosineAnnealingLR, T_max = epochs, per epoch)
    --shift K [0]                   --seeds 0,1,2 [0,1,2]  --out FILE (also write the JSON there)
    --jobs J [1] (seeds in J processes at once, one thread each: J = 3 takes a third of the wall
    time on 3 idle cores; keep 1 for the per-seed seconds of an unshared core)
    --quiet (no per-seed line on stderr)

A seed s sets torch.manual_seed(s) before the model is built: its initial weights, then a
DataLoader(shuffle=True) draws each epoch's order from the same global generator (the plain PyTorch
idiom); the augmentation has its own generator seeded with s. Runs are reproducible on one machine
and torch version, but not rnnkit's draws (different generators), hence the median over seeds: one
seed moves this recipe's test accuracy by 1-2 points (the baseline's seeds 0-9 above).
Fixture: test/fixtures/digits_torch_baseline.json is the baseline command above with
    --out test/fixtures/digits_torch_baseline.json
"""
import argparse
import json
import multiprocessing
import os
import statistics
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402
from torch.utils.data import DataLoader, TensorDataset  # noqa: E402
from sklearn import datasets  # noqa: E402

torch.set_num_threads(1)

CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


class SequenceClassifier(nn.Module):
    """src/models/classifier.ts for full-length [B,T,F] input (the digits need no packing)."""

    def __init__(self, a, input_size, num_classes):
        super().__init__()
        self.pool = a.pool
        self.layers = a.layers
        self.bidirectional = a.bidirectional
        kw = dict(num_layers=a.layers, bidirectional=a.bidirectional, batch_first=True,
                  dropout=a.dropout if a.layers > 1 else 0.0)
        if a.cell == "rnn":
            kw["nonlinearity"] = a.nonlinearity
        self.rnn = CELLS[a.cell](input_size, a.hidden, **kw)
        self.drop = nn.Dropout(a.dropout)
        self.head = nn.Linear(a.hidden * (2 if a.bidirectional else 1), num_classes)

    def forward(self, x):
        out, state = self.rnn(x)  # out [B,T,D*H]
        h_n = state[0] if isinstance(state, tuple) else state  # [L*D,B,H]
        if self.pool == "last":
            L = self.layers
            f = torch.cat([h_n[2 * L - 2], h_n[2 * L - 1]], 1) if self.bidirectional else h_n[L - 1]
        elif self.pool == "mean":
            f = out.mean(1)
        else:
            f = out.max(1)[0]
        return self.head(self.drop(f))


def shift_images(img, k, gen):
    """img [B,8,8] -> each image translated by its own (dy, dx) in [-k, k]^2, zero filled."""
    if k == 0:
        return img
    B, R, C = img.shape
    d = torch.randint(-k, k + 1, (B, 2), generator=gen)
    padded = torch.nn.functional.pad(img, (k, k, k, k))  # [B,R+2k,C+2k]
    rows = (torch.arange(R)[None, :] - d[:, :1] + k)[:, :, None]  # [B,R,1]: source row r - dy
    cols = (torch.arange(C)[None, :] - d[:, 1:] + k)[:, None, :]  # [B,1,C]: source col c - dx
    return padded[torch.arange(B)[:, None, None], rows, cols]


def load(layout):
    d = datasets.load_digits()
    x = torch.tensor(d.images / 16.0, dtype=torch.float32)  # [N,8,8], exact in float32
    y = torch.tensor(d.target, dtype=torch.long)
    half = len(y) // 2  # train_test_split(test_size=0.5, shuffle=False): 898 train, 899 test
    return (x[:half], y[:half]), (x[half:], y[half:])


def as_sequence(img, layout):
    return img if layout == "rows" else img.reshape(img.shape[0], 64, 1)


def run_seed(a, seed, train, test):
    (xtr, ytr), (xte, yte) = train, test
    torch.manual_seed(seed)
    model = SequenceClassifier(a, 8 if a.layout == "rows" else 1, 10)
    wd = a.weight_decay if a.weight_decay is not None else (0.01 if a.optimizer == "adamw" else 0.0)
    opt_cls = torch.optim.AdamW if a.optimizer == "adamw" else torch.optim.Adam
    opt = opt_cls(model.parameters(), lr=a.lr, weight_decay=wd)
    # --schedule cosine: CosineAnnealingLR(T_max = epochs) stepped after each epoch (rnnkit's lrSchedule 'cosine')
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=a.epochs) if a.schedule == "cosine" else None
    # the plain PyTorch idiom: shuffling drawn from the global generator that manual_seed set
    loader = DataLoader(TensorDataset(xtr, ytr), batch_size=a.batch_size, shuffle=True)
    gen = torch.Generator().manual_seed(seed)  # augmentation only
    loss_fn = nn.CrossEntropyLoss()
    t0 = time.perf_counter()
    for _ in range(a.epochs):
        model.train()
        for xb, yb in loader:
            xb = as_sequence(shift_images(xb, a.shift, gen), a.layout)
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            if a.clip is not None:
                nn.utils.clip_grad_norm_(model.parameters(), a.clip)
            opt.step()
        if sched is not None:
            sched.step()
    model.eval()
    with torch.no_grad():
        acc = (model(as_sequence(xte, a.layout)).argmax(1) == yte).sum().item() / len(yte)
    return acc, time.perf_counter() - t0


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cell", choices=list(CELLS), default="lstm")
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--layers", type=int, default=1)
    p.add_argument("--bidirectional", action="store_true")
    p.add_argument("--nonlinearity", choices=["tanh", "relu"], default="tanh")
    p.add_argument("--pool", choices=["last", "mean", "max"], default="last")
    p.add_argument("--dropout", type=float, default=0.0)
    p.add_argument("--layout", choices=["rows", "pixels"], default="rows")
    p.add_argument("--optimizer", choices=["adam", "adamw"], default="adam")
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--weight-decay", type=float, default=None)
    p.add_argument("--clip", type=float, default=None)
    p.add_argument("--epochs", type=int, default=40)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--shift", type=int, default=0)
    p.add_argument("--schedule", choices=["constant", "cosine"], default="constant")
    p.add_argument("--seeds", default="0,1,2")
    p.add_argument("--out", default=None)
    p.add_argument("--jobs", type=int, default=1)
    p.add_argument("--quiet", action="store_true")
    a = p.parse_args(argv)
    if a.shift < 0 or a.shift > 7:
        p.error(f"--shift must be in 0..7, got {a.shift}")
    seeds = [int(s) for s in a.seeds.split(",") if s.strip() != ""]
    train, test = load(a.layout)
    t0 = time.perf_counter()
    if a.jobs > 1:
        with multiprocessing.get_context("fork").Pool(min(a.jobs, len(seeds))) as pool:
            results = pool.starmap(run_seed, [(a, seed, train, test) for seed in seeds])
    else:
        results = [run_seed(a, seed, train, test) for seed in seeds]
    runs = []
    for seed, (acc, sec) in zip(seeds, results):
        runs.append({"seed": seed, "test_accuracy": acc, "seconds": round(sec, 2)})
        if not a.quiet:
            print(f"seed {seed}: test accuracy {acc:.4f} ({sec:.1f} s)", file=sys.stderr)
    recipe = {k: v for k, v in vars(a).items() if k not in ("seeds", "out", "quiet", "jobs")}
    if recipe["weight_decay"] is None:
        recipe["weight_decay"] = 0.01 if a.optimizer == "adamw" else 0.0
    out = {
        "torch_version": torch.__version__,
        "generated_by": "tools/reference/digits_torch.py",
        "command": "OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 /usr/bin/python3 tools/reference/digits_torch.py "
                   + " ".join(argv if argv is not None else sys.argv[1:]),
        "threads": torch.get_num_threads(),
        "split": {"train": len(train[1]), "test": len(test[1]), "shuffle": False},
        "recipe": recipe,
        "runs": runs,
        "median_test_accuracy": statistics.median(r["test_accuracy"] for r in runs),
        "seconds": round(time.perf_counter() - t0, 2),
    }
    text = json.dumps(out, indent=1)
    print(text)
    if a.out:
        with open(a.out, "w") as fh:
            fh.write(text + "\n")


if __name__ == "__main__":
    main()
