"""PyTorch CPU timings for the rnnkit benchmark workloads (bench/workloads.ts has the math).

`npm run bench` runs this itself, in the same run as rnnkit and tfjs, whenever /usr/bin/python3 can
import torch: single-threaded (OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 and torch.set_num_threads(1),
else Debian's build oversubscribes the cores), then with --threads 2 for the large RNN.

    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 /usr/bin/python3 tools/reference/bench_torch.py \
        [--threads N] [--only tutorial,medium,...] [--quick] [--charlm PATH] [--out PATH]

Prints one JSON object: {"workloads": {name: {"value", "unit", "repeats"}}, torch_version, threads,
cpu_model, date, ...}. Workloads (ms per train step = zero_grad, forward, loss, backward, Adam step):
  tutorial    nn.RNN(1,10) + Linear(10,1) on relu(output), B=4, T=6, MSE sum, Adam(0.01)
  medium      nn.RNN(8,128), B=32, T=50, Linear(128,1) on every step, MSE mean, Adam(1e-3)
  medium-lstm nn.LSTM, same sizes;  medium-gru  nn.GRU, same sizes
  large       nn.RNN(32,512), B=64, T=100, same head, loss and optimizer
  generate    Embedding(64,64) -> 2-layer LSTM(256) -> Linear(256,64), B=1, one token at a time under
              no_grad, argmax fed back (.item()); ms per token
  charlm      one epoch of a char LM: one-hot(V) -> LSTM(V,256) -> Linear(256,V), B=32, T=35, 20
              batches, state detached between batches, cross entropy, Adam(2e-3); ms per epoch.
              Needs --charlm PATH: a JSON {"ids": [...], "V": n} written by bench/run.ts
  matmul      512x512x512 float32 torch.mm, GFLOP/s
Each figure is the median over repeats of the mean time of a block of calls.
"""
import datetime
import json
import os
import statistics
import sys
import time

import torch
from torch import nn


def arg(name, default=None):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


THREADS = int(arg("--threads", "1"))
QUICK = "--quick" in sys.argv
torch.set_num_threads(THREADS)
torch.manual_seed(0)


def timed(fn, warmup, n, repeats):
    for _ in range(warmup):
        fn()
    results = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        results.append((time.perf_counter() - t0) * 1000 / n)
    return statistics.median(results), results


def plan(warmup, n, repeats):
    return (1, max(1, n // 10), 1) if QUICK else (warmup, n, repeats)


class Head(nn.Module):
    def __init__(self, cell, input_size, hidden_size):
        super().__init__()
        self.rnn = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell](input_size, hidden_size, batch_first=True)
        self.linear = nn.Linear(hidden_size, 1)

    def forward(self, x, relu):
        out, _ = self.rnn(x)
        return self.linear(torch.relu(out) if relu else out)


def train_step(cell, B, T, I, H, lr, relu, reduction_sum, p):
    model = Head(cell, I, H)
    opt = torch.optim.Adam(model.parameters(), lr)
    x = torch.randn(B, T, I)
    y = torch.randn(B, T, 1)

    def step():
        opt.zero_grad()
        pred = model(x, relu)
        if reduction_sum:
            loss = nn.functional.mse_loss(pred, y, reduction="none").sum()
        else:
            loss = nn.functional.mse_loss(pred, y)
        loss.backward()
        opt.step()

    return timed(step, *plan(*p))


class LM(nn.Module):
    def __init__(self, V, E, H, layers):
        super().__init__()
        self.embedding = nn.Embedding(V, E) if E > 0 else None
        self.V = V
        self.rnn = nn.LSTM(E if E > 0 else V, H, layers, batch_first=True)
        self.linear = nn.Linear(H, V)

    def forward(self, ids, state):
        x = self.embedding(ids) if self.embedding is not None else nn.functional.one_hot(ids, self.V).float()
        out, state = self.rnn(x, state)
        return self.linear(out), state


def generate():
    lm = LM(64, 64, 256, 2).eval()
    tok = [1]
    state = [None]

    def one():
        with torch.no_grad():
            logits, state[0] = lm(torch.tensor([[tok[0]]]), state[0])
            tok[0] = int(logits[0, 0].argmax().item())

    return timed(one, *plan(50, 200, 5))


def charlm(path):
    with open(path) as f:
        c = json.load(f)
    ids, V = torch.tensor(c["ids"]), c["V"]
    B, T, H, batches, lr = 32, 35, 256, 20, 2e-3
    stream = T * batches
    lm = LM(V, 0, H, 1)
    opt = torch.optim.Adam(lm.parameters(), lr)
    loss_fn = nn.CrossEntropyLoss()
    xs = ids[: B * stream].view(B, stream)
    ys = ids[1: B * stream + 1].view(B, stream)

    def epoch():
        state = None
        for k in range(batches):
            opt.zero_grad()
            logits, state = lm(xs[:, k * T:(k + 1) * T], state)
            loss = loss_fn(logits.reshape(B * T, V), ys[:, k * T:(k + 1) * T].reshape(B * T))
            loss.backward()
            opt.step()
            state = tuple(s.detach() for s in state)

    return timed(epoch, *plan(1, 1, 3))


def matmul_gflops(n=512):
    a = torch.randn(n, n)
    b = torch.randn(n, n)
    med, reps = timed(lambda: torch.mm(a, b), *plan(5, 20, 5))
    return 2 * n ** 3 / (med * 1e6), [2 * n ** 3 / (r * 1e6) for r in reps]


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            info = f.read()
    except OSError:
        return None
    field = lambda k: next((l.split(":", 1)[1].strip() for l in info.splitlines() if l.split(":")[0].strip() == k), None)
    name, fam, model = field("model name"), field("cpu family"), field("model")
    return f"{name} (family {fam}, model {model})" if fam and model else name


WORKLOADS = {
    "tutorial": lambda: (train_step("rnn", 4, 6, 1, 10, 0.01, True, True, (50, 1000, 5)), "ms/step"),
    "medium": lambda: (train_step("rnn", 32, 50, 8, 128, 1e-3, False, False, (5, 50, 5)), "ms/step"),
    "medium-lstm": lambda: (train_step("lstm", 32, 50, 8, 128, 1e-3, False, False, (3, 20, 5)), "ms/step"),
    "medium-gru": lambda: (train_step("gru", 32, 50, 8, 128, 1e-3, False, False, (3, 20, 5)), "ms/step"),
    "large": lambda: (train_step("rnn", 64, 100, 32, 512, 1e-3, False, False, (2, 5, 3)), "ms/step"),
    "generate": lambda: (generate(), "ms/token"),
    "charlm": lambda: (charlm(arg("--charlm")), "ms/epoch"),
    "matmul": lambda: (matmul_gflops(), "GFLOP/s"),
}

if __name__ == "__main__":
    only = arg("--only")
    names = only.split(",") if only else [w for w in WORKLOADS if w != "charlm" or arg("--charlm")]
    out = {}
    for name in names:
        (value, repeats), unit = WORKLOADS[name]()
        out[name] = {"value": value, "unit": unit, "repeats": repeats}
        print(f"  pytorch {THREADS}t {name}: {value:.4g} {unit}", file=sys.stderr)
    res = {
        "workloads": out,
        "torch_version": torch.__version__,
        "threads": torch.get_num_threads(),
        "env": {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")},
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_model": cpu_model(),
        "quick": QUICK,
    }
    print(json.dumps(res))
    if arg("--out"):
        with open(arg("--out"), "w") as f:
            json.dump(res, f, indent=2)
            f.write("\n")
