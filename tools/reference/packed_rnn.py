"""Produce test/fixtures/packed_rnn.json: nn.RNN (tanh) / nn.LSTM / nn.GRU on a PackedSequence,
and torch.nn.utils.rnn's pad_sequence / pack_sequence (float32).

Each RNN case packs a padded input x with pack_padded_sequence(x, lengths, batch_first,
enforce_sorted), runs the module, and unpacks with pad_packed_sequence. It records the config,
lengths, the parameters, x, h0 (and c0), the packed input and output (data, batch_sizes,
sorted/unsorted indices), the padded output ("output"), h_n (and c_n), and the gradients of
    (padded_output * grad_output).sum() + (h_n * grad_hN).sum() [+ (c_n * grad_cN).sum()]
w.r.t. x, h0, c0 and every parameter (keys = PyTorch parameter names, in PyTorch's order), in
the layout of test/nn/recurrent-fixture.ts.
"""
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pack_sequence, pad_packed_sequence, pad_sequence

from _common import T, header, write_json

torch.manual_seed(20240901)

cases = []


def I_(t):
    return None if t is None else [int(v) for v in t.tolist()]


def packed_fields(p):
    return {"data": T(p.data), "batchSizes": I_(p.batch_sizes),
            "sortedIndices": I_(p.sorted_indices), "unsortedIndices": I_(p.unsorted_indices)}


def case(kind, name, *, lengths, I=3, H=4, L=1, bidirectional=False, batch_first=False,
         enforce_sorted=False, with_h0=True):
    cls = {"RNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}[kind]
    model = cls(I, H, L, batch_first=batch_first, bidirectional=bidirectional)
    D = 2 if bidirectional else 1
    B, T_ = len(lengths), max(lengths)
    lstm = kind == "LSTM"
    x = (torch.randn(B, T_, I) if batch_first else torch.randn(T_, B, I)).requires_grad_(True)
    h0 = torch.randn(L * D, B, H, requires_grad=True) if with_h0 else None
    c0 = torch.randn(L * D, B, H, requires_grad=True) if with_h0 and lstm else None
    packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=batch_first,
                                  enforce_sorted=enforce_sorted)
    if lstm:
        out, (h_n, c_n) = model(packed, (h0, c0) if with_h0 else None)
    else:
        out, h_n = model(packed, h0)
        c_n = None
    padded, out_lengths = pad_packed_sequence(out, batch_first=batch_first)
    assert out_lengths.tolist() == lengths
    grad_output = torch.randn(padded.shape)
    grad_hN = torch.randn(h_n.shape)
    grad_cN = torch.randn(c_n.shape) if lstm else None
    loss = (padded * grad_output).sum() + (h_n * grad_hN).sum()
    if lstm:
        loss = loss + (c_n * grad_cN).sum()
    loss.backward()
    grads = {"input": T(x.grad), "h0": T(h0.grad) if h0 is not None else None,
             "c0": T(c0.grad) if c0 is not None else None}
    grads.update({k: T(p.grad) for k, p in model.named_parameters()})
    config = {"inputSize": I, "hiddenSize": H, "numLayers": L, "batchFirst": batch_first,
              "bidirectional": bidirectional}
    if kind == "RNN":
        config["nonlinearity"] = "tanh"
    cases.append({
        "name": f"{kind.lower()}_{name}",
        "module": kind,
        "config": config,
        "mode": "train",
        "lengths": lengths,
        "enforceSorted": enforce_sorted,
        "input": T(x),
        "h0": T(h0),
        "c0": T(c0),
        "params": {k: T(p) for k, p in model.named_parameters()},
        "packedInput": packed_fields(packed),
        "packedOutput": packed_fields(out),
        "output": T(padded),
        "hN": T(h_n),
        "cN": T(c_n),
        "grad_output": T(grad_output),
        "grad_hN": T(grad_hN),
        "grad_cN": T(grad_cN),
        "grads": grads,
    })


for kind in ("RNN", "LSTM", "GRU"):
    # unsorted lengths with 1 and the full T; with h0
    case(kind, "1layer", lengths=[3, 6, 1, 4])
    case(kind, "1layer_batchfirst_no_h0", lengths=[2, 1, 5], batch_first=True)
    case(kind, "2layer_bidir", lengths=[4, 1, 5, 2], L=2, bidirectional=True)
    case(kind, "2layer_bidir_batchfirst_ties_no_h0", lengths=[2, 5, 2, 1, 5], L=2,
         bidirectional=True, batch_first=True, with_h0=False)
    case(kind, "bidir_sorted", lengths=[5, 3, 3, 1], bidirectional=True, enforce_sorted=True)

# torch.nn.utils.rnn without a module: pad_sequence and pack_sequence of [L_i, 2] sequences
seqs = [torch.randn(n, 2) for n in (2, 4, 1, 4)]
utils = {
    "sequences": [T(s) for s in seqs],
    "padded": T(pad_sequence(seqs)),
    "paddedBatchFirst": T(pad_sequence(seqs, batch_first=True, padding_value=-1.5)),
    "packed": packed_fields(pack_sequence(seqs, enforce_sorted=False)),
    "packedSorted": packed_fields(pack_sequence(sorted(seqs, key=len, reverse=True))),
}

out = header("packed_rnn.py")
out["dtype"] = "float32"
out["cases"] = cases
out["utils"] = utils
write_json("packed_rnn.json", out)
