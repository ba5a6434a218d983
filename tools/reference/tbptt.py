"""Produce test/fixtures/tbptt.json: one pass of truncated BPTT(k1, k2) in PyTorch.

Definition (Sutskever 2013 §2.8.6; Williams & Peng's BPTT(h; h') with k2 = h, k1 = h'),
1 <= k1 <= k2: windows end at t_e = k1, 2k1, ... and at T. For the window ending at t_e whose
losses start at t_s (the previous end): take the stored, detached state at r = max(0, t_e - k2),
run steps [r, t_e) with the current parameters, sum the losses of steps [t_s, t_e) only,
backward, one optimizer step, store the detached states after steps (t_s, t_e].

This reference runs nn.RNN one step at a time and keeps every state it may need, a different
route from rnnkit's chunked forward. Model: nn.RNN(2, 4) + Linear(4, 1), T = 13 (a tail for
k1 = 2, 4), B = 2, loss per step = squared error summed over the batch.
"""
import torch
from torch import nn

from _common import T, header, write_json

torch.manual_seed(20240713)
T_, B, I, H = 13, 2, 2, 4

x = torch.randn(T_, B, I)
y = torch.randn(T_, B, 1)
h0_given = torch.randn(1, B, H)
rnn0 = nn.RNN(I, H)
head0 = nn.Linear(H, 1)
init = {**{f"rnn.{k}": v.detach().clone() for k, v in rnn0.named_parameters()},
        **{f"head.{k}": v.detach().clone() for k, v in head0.named_parameters()}}


def windows(k1, k2):
    out, ts = [], 0
    while ts < T_:
        te = min(ts + k1, T_)
        out.append((max(0, te - k2), ts, te))
        ts = te
    return out


def run(k1, k2, optim, lr, h0=None, clip=None):
    rnn, head = nn.RNN(I, H), nn.Linear(H, 1)
    with torch.no_grad():
        for k, p in rnn.named_parameters():
            p.copy_(init[f"rnn.{k}"])
        for k, p in head.named_parameters():
            p.copy_(init[f"head.{k}"])
    params = list(rnn.parameters()) + list(head.parameters())
    opt = torch.optim.SGD(params, lr=lr) if optim == "sgd" else torch.optim.Adam(params, lr=lr)
    states = {0: torch.zeros(1, B, H) if h0 is None else h0.detach()}
    losses = []
    for r, ts, te in windows(k1, k2):
        h = states[r]
        loss = 0
        for t in range(r, te):
            out, h = rnn(x[t:t + 1], h)
            if t >= ts:
                loss = loss + ((head(out[0]) - y[t]) ** 2).sum()
            if t + 1 > ts:
                states[t + 1] = h.detach()
        opt.zero_grad()
        loss.backward()
        if clip is not None:
            torch.nn.utils.clip_grad_norm_(params, clip)
        opt.step()
        losses.append(loss.item())
    named = {**{f"rnn.{k}": p for k, p in rnn.named_parameters()},
             **{f"head.{k}": p for k, p in head.named_parameters()}}
    return {
        "k1": k1, "k2": k2, "optimizer": optim, "lr": lr, "useH0": h0 is not None, "clip": clip,
        "windows": [list(w) for w in windows(k1, k2)],
        "losses": losses,
        "params": {k: T(p) for k, p in named.items()},
        "finalState": T(states[T_]),
    }


cases = [
    run(4, 4, "sgd", 0.1),
    run(2, 6, "sgd", 0.1),
    run(1, 3, "sgd", 0.1),
    run(T_, T_, "sgd", 0.1),           # full BPTT
    run(2, 6, "adam", 0.01, h0=h0_given),
    run(3, 5, "sgd", 0.1, clip=0.5),
]

write_json("tbptt.json", {
    **header("tbptt.py"),
    "T": T_, "B": B, "inputSize": I, "hiddenSize": H,
    "x": T(x), "y": T(y), "h0": T(h0_given),
    "init": {k: T(v) for k, v in init.items()},
    "cases": cases,
})
