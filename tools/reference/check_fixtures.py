"""Sanity-check the generated fixtures: they load, tensors have consistent
shape/data lengths, expected shapes hold, files are < 1 MB, and the
safetensors files agree with their JSON counterparts."""
import json
import math
import os

from _common import FIXTURES, read_safetensors


def load(name):
    path = os.path.join(FIXTURES, name)
    assert os.path.getsize(path) < 1_000_000, f"{name} too big"
    with open(path) as f:
        d = json.load(f)
    for k in ("torch_version", "generated_by", "regenerate"):
        assert k in d, (name, k)
    return d


def check_tensor(t, shape=None):
    if t is None:
        return
    assert len(t["data"]) == math.prod(t["shape"]), t["shape"]
    assert all(math.isfinite(v) for v in t["data"])
    if shape is not None:
        assert t["shape"] == list(shape), (t["shape"], shape)


def walk(obj):
    """check every {"shape","data"} dict inside obj"""
    if isinstance(obj, dict):
        if set(obj) == {"shape", "data"}:
            check_tensor(obj)
        else:
            for v in obj.values():
                walk(v)
    elif isinstance(obj, list):
        for v in obj:
            walk(v)


ops = load("ops.json")
walk(ops)
for c in ops["cases"]:
    assert c["grad_output"]["shape"] == c["output"]["shape"], c["name"]
    assert len(c["grads"]) == len(c["inputs"])
    for x, g in zip(c["inputs"], c["grads"]):
        if g is not None:
            assert g["shape"] == x["shape"], c["name"]
print(f"ops.json: {len(ops['cases'])} cases ok")

everyday = load("ops_everyday.json")
walk(everyday)
for c in everyday["cases"]:
    assert c["grad_output"]["shape"] == c["output"]["shape"], c["name"]
    for x, g in zip(c["inputs"], c["grads"]):
        if g is not None:
            assert g["shape"] == x["shape"], c["name"]
for c in everyday["forward"]:
    assert c["outputs"], c["name"]
print(f"ops_everyday.json: {len(everyday['cases'])} cases, {len(everyday['forward'])} forward cases ok")

rnn = load("rnn.json")
walk(rnn)
for c in rnn["cases"]:
    cfg = c["config"]
    D = 2 if cfg["bidirectional"] else 1
    x = c["input"]["shape"]
    if c["module"] == "RNNCell":
        assert c["output"]["shape"] == [x[0], cfg["hiddenSize"]] and c["hN"] is None
    else:
        if len(x) == 2:
            T_, B = x[0], None
        else:
            T_, B = (x[1], x[0]) if cfg["batchFirst"] else (x[0], x[1])
        out = [T_, D * cfg["hiddenSize"]] if B is None else (
            [B, T_, D * cfg["hiddenSize"]] if cfg["batchFirst"] else [T_, B, D * cfg["hiddenSize"]])
        hn = [D * cfg["numLayers"], cfg["hiddenSize"]] if B is None else [D * cfg["numLayers"], B, cfg["hiddenSize"]]
        check_tensor(c["output"], out)
        check_tensor(c["hN"], hn)
        check_tensor(c["grad_hN"], hn)
        if c["h0"] is not None:
            check_tensor(c["h0"], hn)
    check_tensor(c["grads"]["input"], x)
    for k, p in c["params"].items():
        check_tensor(c["grads"][k], p["shape"])
print(f"rnn.json: {len(rnn['cases'])} cases ok")

opt = load("optim.json")
walk(opt)
for r in opt["runs"]:
    assert len(r["losses"]) == 50 and sorted(r["after"], key=int) == ["1", "2", "10", "50"]
    for a in r["after"].values():
        check_tensor(a["weight"], [2, 3])
        check_tensor(a["bias"], [2])
print(f"optim.json: {len(opt['runs'])} runs, {len(opt['clip'])} clip cases ok")

gs = load("gs10.json")
walk(gs)
assert len(gs["values"]) == len(gs["dates"]) == 59
assert len(gs["permutations"]) == 20 and all(sorted(p) == list(range(53)) for p in gs["permutations"])
assert len(gs["train_loss_per_batch"]) == 14 and len(gs["epoch_loss"]) == 20
st, meta = read_safetensors(os.path.join(FIXTURES, "gs10_init.safetensors"))
assert meta == {"format": "pt"} and list(st) == list(gs["initial_state"])
for k, t in st.items():
    assert list(t.shape) == gs["initial_state"][k]["shape"] and t.reshape(-1).tolist() == gs["initial_state"][k]["data"]
print("gs10.json + gs10_init.safetensors ok")

mixed = load("mixed.safetensors.json")
st, meta = read_safetensors(os.path.join(FIXTURES, "mixed.safetensors"))
assert meta == mixed["metadata"]
for k, t in mixed["tensors"].items():
    assert {"torch.float32": "F32", "torch.float64": "F64"}[str(st[k].dtype)] == t["dtype"]
    assert st[k].reshape(-1).tolist() == t["data"] and list(st[k].shape) == t["shape"]
print("mixed.safetensors + sidecar ok")
