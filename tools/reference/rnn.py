"""Produce test/fixtures/rnn.json: nn.RNN / nn.RNNCell forward + backward (float32).

Each case records the module config, PyTorch's default-initialised parameters
(under the seed), input, h0, output, h_n, and gradients of
    (output * grad_output).sum() + (h_n * grad_hN).sum()
w.r.t. input, h0 and every parameter (keys = PyTorch parameter names).
For RNNCell "output" is h' and hN / grad_hN are null.
"""
import torch
from torch import nn

from _common import T, header, write_json

torch.manual_seed(20240601)

cases = []


def rnn_case(name, *, I, H, L=1, nonlinearity="tanh", bias=True, batch_first=False, dropout=0.0,
             bidirectional=False, T_=5, B=2, with_h0=True, mode="train", unbatched=False):
    model = nn.RNN(I, H, L, nonlinearity=nonlinearity, bias=bias, batch_first=batch_first,
                   dropout=dropout, bidirectional=bidirectional)
    model.train(mode == "train")
    D = 2 if bidirectional else 1
    if unbatched:
        x = torch.randn(T_, I)
        h0 = torch.randn(D * L, H) if with_h0 else None
    else:
        x = torch.randn(B, T_, I) if batch_first else torch.randn(T_, B, I)
        h0 = torch.randn(D * L, B, H) if with_h0 else None
    x.requires_grad_(True)
    if h0 is not None:
        h0.requires_grad_(True)
    output, h_n = model(x, h0)
    grad_output = torch.randn(output.shape)
    grad_hN = torch.randn(h_n.shape)
    ((output * grad_output).sum() + (h_n * grad_hN).sum()).backward()
    grads = {"input": T(x.grad), "h0": T(h0.grad) if h0 is not None else None}
    grads.update({k: T(p.grad) for k, p in model.named_parameters()})
    cases.append({
        "name": name,
        "module": "RNN",
        "config": {"inputSize": I, "hiddenSize": H, "numLayers": L, "nonlinearity": nonlinearity,
                   "bias": bias, "batchFirst": batch_first, "dropout": dropout,
                   "bidirectional": bidirectional},
        "mode": mode,
        "input": T(x),
        "h0": T(h0),
        "params": {k: T(p) for k, p in model.named_parameters()},
        "output": T(output),
        "hN": T(h_n),
        "grad_output": T(grad_output),
        "grad_hN": T(grad_hN),
        "grads": grads,
    })


rnn_case("tanh_1layer", I=3, H=5, T_=7, B=2)
rnn_case("relu_2layer_bidir_batchfirst", I=4, H=6, L=2, B=3, T_=5, batch_first=True,
         bidirectional=True, nonlinearity="relu")
rnn_case("tanh_3layer_T200", I=2, H=8, L=3, T_=200, B=2, with_h0=False)
rnn_case("dropout_eval", I=3, H=4, L=2, dropout=0.5, mode="eval", T_=6, B=2)
rnn_case("no_bias", I=3, H=4, L=2, bias=False, T_=4, B=2)
rnn_case("unbatched", I=3, H=4, L=1, T_=5, unbatched=True)

# ---- RNNCell --------------------------------------------------------------
cell = nn.RNNCell(4, 5, bias=True, nonlinearity="tanh")
x = torch.randn(3, 4, requires_grad=True)
h0 = torch.randn(3, 5, requires_grad=True)
h1 = cell(x, h0)
grad_output = torch.randn(h1.shape)
(h1 * grad_output).sum().backward()
grads = {"input": T(x.grad), "h0": T(h0.grad)}
grads.update({k: T(p.grad) for k, p in cell.named_parameters()})
cases.append({
    "name": "rnncell_tanh",
    "module": "RNNCell",
    "config": {"inputSize": 4, "hiddenSize": 5, "numLayers": 1, "nonlinearity": "tanh",
               "bias": True, "batchFirst": False, "dropout": 0.0, "bidirectional": False},
    "mode": "train",
    "input": T(x),
    "h0": T(h0),
    "params": {k: T(p) for k, p in cell.named_parameters()},
    "output": T(h1),
    "hN": None,
    "grad_output": T(grad_output),
    "grad_hN": None,
    "grads": grads,
})

out = header("rnn.py")
out["dtype"] = "float32"
out["cases"] = cases
write_json("rnn.json", out)
