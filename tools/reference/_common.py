"""Shared helpers for the PyTorch reference scripts (serialisation only).

A tensor is serialised as {"shape": [...], "data": [flat row-major list]}.
`tolist()` turns float32/float64 values into Python floats exactly, and
`json` writes the shortest repr that round-trips, so no precision is lost.
"""
import json
import struct
import os

import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "test", "fixtures")


def T(t):
    """Serialise a tensor (or None) as {"shape", "data"}."""
    if t is None:
        return None
    t = t.detach()
    return {"shape": list(t.shape), "data": t.reshape(-1).tolist()}


def header(script):
    """Common top-level keys for every fixture."""
    return {
        "torch_version": torch.__version__,
        "generated_by": f"tools/reference/{script}",
        "regenerate": f"/usr/bin/python3 tools/reference/{script}",
    }


def write_json(filename, obj):
    """Write a fixture to test/fixtures/<filename>."""
    os.makedirs(FIXTURES, exist_ok=True)
    path = os.path.join(FIXTURES, filename)
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path)} bytes)")
    return path


# ---- safetensors ------------------------------------------------------------
# python3-safetensors is not packaged for Debian here, so the format is written
# by hand following the published spec (https://github.com/huggingface/safetensors):
#   8 bytes: N, little-endian u64 = length of the JSON header
#   N bytes: JSON {"<name>": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]},
#                  "__metadata__": {str: str}}, padded with spaces to a multiple of 8
#   rest   : raw little-endian tensor bytes; offsets are relative to the start of
#            this byte buffer, contiguous, covering it exactly.
_ST_DTYPES = {torch.float32: ("F32", "<f4"), torch.float64: ("F64", "<f8")}
_ST_NP = {"F32": "<f4", "F64": "<f8"}


def write_safetensors(filename, tensors, metadata):
    """Write {name: tensor} to test/fixtures/<filename> in safetensors format."""
    hdr, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, t in tensors.items():
        code, np_dtype = _ST_DTYPES[t.dtype]
        raw = t.detach().contiguous().numpy().astype(np_dtype).tobytes()
        hdr[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    hjson = json.dumps(hdr, separators=(",", ":")).encode("utf-8")
    hjson += b" " * (-len(hjson) % 8)
    path = os.path.join(FIXTURES, filename)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hjson)))
        f.write(hjson)
        for raw in blobs:
            f.write(raw)
    # read back as a self-check
    back, meta = read_safetensors(path)
    assert meta == metadata and list(back) == list(tensors)
    for name, t in tensors.items():
        assert back[name].dtype == t.dtype and torch.equal(back[name], t.detach()), name
    print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path)} bytes)")
    return path


def read_safetensors(path):
    """Minimal reader (used to verify what write_safetensors wrote)."""
    import numpy as np
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    hdr = json.loads(blob[8: 8 + n].decode("utf-8"))
    meta = hdr.pop("__metadata__", None)
    data = blob[8 + n:]
    out = {}
    for name, info in hdr.items():
        b, e = info["data_offsets"]
        arr = np.frombuffer(data[b:e], dtype=_ST_NP[info["dtype"]]).reshape(info["shape"])
        out[name] = torch.from_numpy(arr.copy())
    assert max(i["data_offsets"][1] for i in hdr.values()) == len(data)
    return out, meta
