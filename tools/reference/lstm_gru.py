"""Produce test/fixtures/lstm_gru.json: nn.LSTM / nn.GRU / nn.LSTMCell / nn.GRUCell forward +
backward (float32).

Each case records the module config, PyTorch's default-initialised parameters (under the seed),
input, h0 (and c0), output, h_n (and c_n), and the gradients of
    (output * grad_output).sum() + (h_n * grad_hN).sum() [+ (c_n * grad_cN).sum()]
w.r.t. input, h0, c0 and every parameter (keys = PyTorch parameter names, in PyTorch's order).
For the cells "output" is h' and "cN" is c' (LSTMCell); hN / grad_hN are null.
"""
import torch
from torch import nn

from _common import T, header, write_json

torch.manual_seed(20240605)

cases = []


def seq_case(kind, name, *, I, H, L=1, bias=True, batch_first=False, dropout=0.0,
             bidirectional=False, T_=5, B=2, with_h0=True, mode="train", unbatched=False):
    cls = nn.LSTM if kind == "LSTM" else nn.GRU
    model = cls(I, H, L, bias=bias, batch_first=batch_first, dropout=dropout,
                bidirectional=bidirectional)
    model.train(mode == "train")
    D = 2 if bidirectional else 1
    lstm = kind == "LSTM"
    state_shape = (D * L, H) if unbatched else (D * L, B, H)
    if unbatched:
        x = torch.randn(T_, I)
    else:
        x = torch.randn(B, T_, I) if batch_first else torch.randn(T_, B, I)
    h0 = torch.randn(state_shape) if with_h0 else None
    c0 = torch.randn(state_shape) if with_h0 and lstm else None
    for t in (x, h0, c0):
        if t is not None:
            t.requires_grad_(True)
    if lstm:
        output, (h_n, c_n) = model(x, (h0, c0) if with_h0 else None)
    else:
        output, h_n = model(x, h0)
        c_n = None
    grad_output = torch.randn(output.shape)
    grad_hN = torch.randn(h_n.shape)
    grad_cN = torch.randn(c_n.shape) if lstm else None
    loss = (output * grad_output).sum() + (h_n * grad_hN).sum()
    if lstm:
        loss = loss + (c_n * grad_cN).sum()
    loss.backward()
    grads = {"input": T(x.grad), "h0": T(h0.grad) if h0 is not None else None,
             "c0": T(c0.grad) if c0 is not None else None}
    grads.update({k: T(p.grad) for k, p in model.named_parameters()})
    cases.append({
        "name": f"{kind.lower()}_{name}",
        "module": kind,
        "config": {"inputSize": I, "hiddenSize": H, "numLayers": L, "bias": bias,
                   "batchFirst": batch_first, "dropout": dropout, "bidirectional": bidirectional},
        "mode": mode,
        "input": T(x),
        "h0": T(h0),
        "c0": T(c0),
        "params": {k: T(p) for k, p in model.named_parameters()},
        "output": T(output),
        "hN": T(h_n),
        "cN": T(c_n),
        "grad_output": T(grad_output),
        "grad_hN": T(grad_hN),
        "grad_cN": T(grad_cN),
        "grads": grads,
    })


def cell_case(kind, name, *, I, H, B=3, bias=True, unbatched=False):
    cls = nn.LSTMCell if kind == "LSTMCell" else nn.GRUCell
    cell = cls(I, H, bias=bias)
    lstm = kind == "LSTMCell"
    x = torch.randn(*(() if unbatched else (B,)), I, requires_grad=True)
    h0 = torch.randn(*(() if unbatched else (B,)), H, requires_grad=True)
    c0 = torch.randn(*(() if unbatched else (B,)), H, requires_grad=True) if lstm else None
    if lstm:
        h1, c1 = cell(x, (h0, c0))
    else:
        h1, c1 = cell(x, h0), None
    grad_output = torch.randn(h1.shape)
    grad_cN = torch.randn(c1.shape) if lstm else None
    loss = (h1 * grad_output).sum()
    if lstm:
        loss = loss + (c1 * grad_cN).sum()
    loss.backward()
    grads = {"input": T(x.grad), "h0": T(h0.grad), "c0": T(c0.grad) if lstm else None}
    grads.update({k: T(p.grad) for k, p in cell.named_parameters()})
    cases.append({
        "name": f"{kind.lower()}_{name}",
        "module": kind,
        "config": {"inputSize": I, "hiddenSize": H, "numLayers": 1, "bias": bias,
                   "batchFirst": False, "dropout": 0.0, "bidirectional": False},
        "mode": "train",
        "input": T(x),
        "h0": T(h0),
        "c0": T(c0),
        "params": {k: T(p) for k, p in cell.named_parameters()},
        "output": T(h1),
        "hN": None,
        "cN": T(c1),
        "grad_output": T(grad_output),
        "grad_hN": None,
        "grad_cN": T(grad_cN),
        "grads": grads,
    })


for kind in ("LSTM", "GRU"):
    seq_case(kind, "1layer", I=3, H=5, T_=7, B=2)
    seq_case(kind, "2layer_bidir_batchfirst", I=4, H=6, L=2, B=3, T_=5, batch_first=True,
             bidirectional=True)
    seq_case(kind, "3layer_T100", I=2, H=6, L=3, T_=100, B=2, with_h0=False)
    seq_case(kind, "dropout_eval", I=3, H=4, L=2, dropout=0.5, mode="eval", T_=6, B=2)
    seq_case(kind, "no_bias", I=3, H=4, L=2, bias=False, T_=4, B=2)
    seq_case(kind, "unbatched_bidir", I=3, H=4, L=2, T_=5, bidirectional=True, unbatched=True)

for kind in ("LSTMCell", "GRUCell"):
    cell_case(kind, "batched", I=4, H=5, B=3)
    cell_case(kind, "unbatched_no_bias", I=4, H=5, bias=False, unbatched=True)

out = header("lstm_gru.py")
out["dtype"] = "float32"
out["cases"] = cases
write_json("lstm_gru.json", out)
