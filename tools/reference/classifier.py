"""Produce test/fixtures/classifier.json: rnnkit's SequenceClassifier built from torch.nn.

The module (same parameter names as rnnkit's): [embedding] -> RNN/LSTM/GRU (batch_first, packed
with pack_padded_sequence(enforce_sorted=False) when lengths are given) -> pool -> dropout(0) ->
head. Pooling: last = h_n of the top layer (both directions concatenated, forward first), mean /
max over real steps of pad_packed_sequence's output (padding masked to -inf before max).
perStep: head on every step of the padded output, cross entropy with ignore_index=-100 at
padding. Each case records the config, the parameters (PyTorch order), x, lengths, y, the
logits, the loss (cross entropy, optional class weights) and the gradient of every parameter
(and of x without an embedding).
"""
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from _common import T, header, write_json

torch.manual_seed(20261129)


class Classifier(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        emb = cfg.get("embedding")
        self.embedding = nn.Embedding(emb["numEmbeddings"], emb["embeddingDim"]) if emb else None
        I = emb["embeddingDim"] if emb else cfg["inputSize"]
        kw = dict(num_layers=cfg["numLayers"], bidirectional=cfg["bidirectional"], batch_first=True)
        cls = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cfg["cell"]]
        self.rnn = cls(I, cfg["hiddenSize"], **kw)
        self.head = nn.Linear(cfg["hiddenSize"] * (2 if cfg["bidirectional"] else 1), cfg["numClasses"])

    def forward(self, x, lengths):
        B, T_ = x.shape[0], x.shape[1]
        inp = self.embedding(x) if self.embedding is not None else x
        packed = pack_padded_sequence(inp, lengths, batch_first=True, enforce_sorted=False)
        out, state = self.rnn(packed)
        h_n = state[0] if isinstance(state, tuple) else state
        padded, _ = pad_packed_sequence(out, batch_first=True, total_length=T_)
        c = self.cfg
        if c["perStep"]:
            f = padded
        elif c["pool"] == "last":
            L = c["numLayers"]
            f = torch.cat([h_n[2 * L - 2], h_n[2 * L - 1]], 1) if c["bidirectional"] else h_n[L - 1]
        elif c["pool"] == "mean":
            f = padded.sum(1) / lengths.to(padded.dtype).reshape(B, 1)
        else:
            mask = torch.arange(T_).reshape(1, T_, 1) >= lengths.reshape(B, 1, 1)
            f = padded.masked_fill(mask, float("-inf")).max(1)[0]
        return self.head(f)


cases = []


def case(name, cfg, lengths, class_weights=None):
    full = dict(inputSize=3, hiddenSize=5, numLayers=1, bidirectional=False, pool="last", perStep=False,
                numClasses=4, embedding=None)
    full.update(cfg)
    m = Classifier(full)
    B, T_ = len(lengths), max(lengths) + 1  # one all-padding column: padding must not leak
    lengths_t = torch.tensor(lengths)
    if full["embedding"]:
        x = torch.randint(0, full["embedding"]["numEmbeddings"], (B, T_))
    else:
        x = torch.randn(B, T_, full["inputSize"], requires_grad=True)
    C = full["numClasses"]
    if full["perStep"]:
        y = torch.randint(0, C, (B, T_))
        y = y.masked_fill(torch.arange(T_).reshape(1, T_) >= lengths_t.reshape(B, 1), -100)
    else:
        y = torch.randint(0, C, (B,))
    logits = m(x, lengths_t)
    w = torch.tensor(class_weights, dtype=torch.float32) if class_weights else None
    loss = nn.functional.cross_entropy(logits.reshape(-1, C), y.reshape(-1), weight=w, ignore_index=-100)
    loss.backward()
    cases.append({
        "name": name, "config": full, "lengths": lengths, "classWeights": class_weights,
        "params": {k: T(v) for k, v in m.named_parameters()},
        "x": T(x.float() if full["embedding"] else x), "y": [int(v) for v in y.reshape(-1).tolist()],
        "logits": T(logits), "loss": loss.item(),
        "grads": {k: T(v.grad) for k, v in m.named_parameters()},
        "gradX": None if full["embedding"] else T(x.grad),
    })


case("lstm-last", dict(cell="lstm"), [4, 2, 1, 3])
case("lstm-last-bidirectional-2-layers", dict(cell="lstm", bidirectional=True, numLayers=2), [3, 4, 1, 2, 4])
case("gru-mean", dict(cell="gru", pool="mean"), [2, 4, 3])
case("rnn-max-bidirectional", dict(cell="rnn", pool="max", bidirectional=True), [1, 3, 4, 2])
case("gru-last-class-weights", dict(cell="gru"), [4, 1, 2, 3, 4, 2], class_weights=[1.0, 2.0, 0.5, 3.0])
case("lstm-per-step", dict(cell="lstm", perStep=True), [3, 1, 4])
case("embedding-lstm-mean", dict(cell="lstm", pool="mean", embedding=dict(numEmbeddings=7, embeddingDim=3)), [5, 2, 3])

write_json("classifier.json", {**header("classifier.py"), "cases": cases})
