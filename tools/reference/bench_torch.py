"""PyTorch CPU timings for the rnnkit benchmark workloads (single-threaded).

Run with:  OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 /usr/bin/python3 tools/reference/bench_torch.py
Prints one JSON line:
  tutorial_step_ms : nn.RNN(1,10,batch_first)+Linear(10,1) on relu(output), B=4, T=6,
                     MSE(reduction='none').sum(), Adam(0.01); ms per train step
                     (zero_grad, forward, loss, backward, step); 50 warm-up + 1000 timed,
                     median of 5 repeats.
  medium_step_ms   : nn.RNN(8,128,batch_first), B=32, T=50, Linear(128,1) head on every
                     step, MSE mean, Adam(1e-3); 5 warm-up + 100 timed, median of 5 repeats.
  matmul_512_gflops: 512x512x512 float32 torch.mm, GFLOP/s (2*512^3 flops); 5 warm-up, then
                     the median over 5 repeats of the mean time of 20 calls.
With --out PATH, also writes the results plus date / nproc / CPU model to PATH.
"""
import datetime
import json
import os
import statistics
import sys
import time

import torch
from torch import nn

torch.set_num_threads(1)
torch.manual_seed(0)


class RNNHead(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.rnn = nn.RNN(input_size, hidden_size, batch_first=True)
        self.linear = nn.Linear(hidden_size, 1)

    def forward(self, x, relu):
        out, _ = self.rnn(x)
        return self.linear(torch.relu(out) if relu else out)


def time_train_step(B, T, I, H, lr, relu, reduction_sum, warmup, timed, repeats=5):
    model = RNNHead(I, H)
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

    for _ in range(warmup):
        step()
    results = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(timed):
            step()
        results.append((time.perf_counter() - t0) * 1000 / timed)
    return statistics.median(results), results


def matmul_gflops(n=512, warmup=5, timed=20, repeats=5):
    a = torch.randn(n, n)
    b = torch.randn(n, n)
    for _ in range(warmup):
        torch.mm(a, b)
    secs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(timed):
            torch.mm(a, b)
        secs.append((time.perf_counter() - t0) / timed)
    return 2 * n ** 3 / statistics.median(secs) / 1e9


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


if __name__ == "__main__":
    tut, tut_all = time_train_step(4, 6, 1, 10, 0.01, relu=True, reduction_sum=True, warmup=50, timed=1000)
    med, med_all = time_train_step(32, 50, 8, 128, 1e-3, relu=False, reduction_sum=False, warmup=5, timed=100)
    res = {
        "tutorial_step_ms": tut,
        "tutorial_step_ms_repeats": tut_all,
        "medium_step_ms": med,
        "medium_step_ms_repeats": med_all,
        "matmul_512_gflops": matmul_gflops(),
        "torch_version": torch.__version__,
        "torch_num_threads": torch.get_num_threads(),
        "env": {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")},
    }
    print(json.dumps(res))
    if "--out" in sys.argv:
        res.update({
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "nproc": len(os.sched_getaffinity(0)),
            "cpu_count": os.cpu_count(),
            "cpu_model": cpu_model(),
            "command": "OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 /usr/bin/python3 tools/reference/bench_torch.py"
                       " --out bench/torch-results.json",
        })
        with open(sys.argv[sys.argv.index("--out") + 1], "w") as f:
            json.dump(res, f, indent=2)
            f.write("\n")
