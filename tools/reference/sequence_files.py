"""Labelled-sequence files as NumPy and PyTorch write them, for rnnkit's readers (issue 10).

Writes test/fixtures/sequences/:
  savez_f32_i64.npz         np.savez: x float32 [4,5,3], y int64 [4], lengths int64 [4]
  savez_compressed_f64_i32.npz
                            np.savez_compressed (deflated members): x float64 [3,6] (F = 1),
                            y int32 [3], classes <U5 ['cat', 'dog', 'horse']
  savez_compressed_u8.npz   np.savez_compressed: x float32 [5,2,2], y uint8 [5]
  torch_i64.safetensors     torch tensors written in the safetensors format: x float32 [4,3,2],
                            y int64 [4], lengths int64 [4]
  bad_i64.npz               y int64 holding 2^53 + 1 (must be refused: beyond float64's integers)
  fortran.npy               a float32 [2,3] array in Fortran order (refused)
  big_endian.npy            a >f4 array (refused)
  object.npy                an object array (refused)
  complex.npy               a complex64 array (refused)
  expected.json             every array above as flat lists (float32 values exactly, via float()),
                            and torch.nn.functional.interpolate(mode='bilinear',
                            align_corners=False, antialias=False) cases for rnnkit's resizeImage

python3-safetensors is not packaged here, so the safetensors file is written by hand: u64-LE header
length, compact JSON header padded with spaces to a multiple of 8, then the raw little-endian bytes.

Run: /usr/bin/python3 tools/reference/sequence_files.py
"""
import json
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as Fn

from _common import FIXTURES, header

assert sys.byteorder == "little"
OUT = os.path.join(FIXTURES, "sequences")
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(10)
expected = header("sequence_files.py")
expected["numpy_version"] = np.__version__


def flat(a):
    a = np.asarray(a)
    if a.dtype.kind == "U":
        return {"dtype": "str", "shape": list(a.shape), "data": a.reshape(-1).tolist()}
    return {"dtype": str(a.dtype), "shape": list(a.shape), "data": [float(v) if a.dtype.kind == "f" else int(v) for v in a.reshape(-1)]}


def record(name, arrays):
    expected[name] = {k: flat(v) for k, v in arrays.items()}


# np.savez: stored members.
x = rng.standard_normal((4, 5, 3)).astype(np.float32)
lengths = np.array([5, 2, 4, 1], dtype=np.int64)
for n, L in enumerate(lengths):
    x[n, L:] = 0  # padding is zero, as rnnkit returns it
a = {"x": x, "y": np.array([2, 0, 1, 2], dtype=np.int64), "lengths": lengths}
np.savez(os.path.join(OUT, "savez_f32_i64.npz"), **a)
record("savez_f32_i64.npz", a)

# np.savez_compressed: deflated members, a 2-D x, int32 labels and class names.
a = {
    "x": rng.standard_normal((3, 6)),
    "y": np.array([1, 2, 0], dtype=np.int32),
    "classes": np.array(["cat", "dog", "horse"]),
}
np.savez_compressed(os.path.join(OUT, "savez_compressed_f64_i32.npz"), **a)
record("savez_compressed_f64_i32.npz", a)

a = {"x": rng.random((5, 2, 2), dtype=np.float32), "y": np.array([0, 3, 1, 3, 2], dtype=np.uint8)}
np.savez_compressed(os.path.join(OUT, "savez_compressed_u8.npz"), **a)
record("savez_compressed_u8.npz", a)

# safetensors from torch tensors, ordered like the official writer (item size desc, then name).
t = {
    "x": torch.randn(4, 3, 2, generator=torch.Generator().manual_seed(0)),
    "y": torch.tensor([1, 0, 1, 1], dtype=torch.int64),
    "lengths": torch.tensor([3, 1, 2, 3], dtype=torch.int64),
}
for n, L in enumerate(t["lengths"].tolist()):
    t["x"][n, L:] = 0
CODES = {torch.float32: "F32", torch.int64: "I64"}
order = sorted(t, key=lambda k: (-t[k].element_size(), k))
hdr, blobs, off = {"__metadata__": {"format": "pt"}}, [], 0
for k in order:
    b = t[k].contiguous().numpy().tobytes()
    hdr[k] = {"dtype": CODES[t[k].dtype], "shape": list(t[k].shape), "data_offsets": [off, off + len(b)]}
    blobs.append(b)
    off += len(b)
h = json.dumps(hdr, separators=(",", ":")).encode()
h += b" " * ((8 - len(h) % 8) % 8)
with open(os.path.join(OUT, "torch_i64.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))
record("torch_i64.safetensors", {k: v.numpy() for k, v in t.items()})

# Inputs rnnkit must refuse, each with a one-line message.
np.savez(os.path.join(OUT, "bad_i64.npz"), x=np.zeros((2, 1, 1), np.float32), y=np.array([0, 2**53 + 1], dtype=np.int64))
np.save(os.path.join(OUT, "fortran.npy"), np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))
np.save(os.path.join(OUT, "big_endian.npy"), np.arange(3, dtype=">f4"))
np.save(os.path.join(OUT, "object.npy"), np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
np.save(os.path.join(OUT, "complex.npy"), np.arange(2, dtype=np.complex64))

# Bilinear resize, PyTorch's semantics: [1,C,H,W] → size (h, w).
cases = []
g = torch.Generator().manual_seed(1)
for (C, H, W), (h, w) in [((1, 5, 7), (3, 4)), ((1, 5, 7), (8, 10)), ((3, 4, 4), (7, 3)), ((1, 9, 9), (2, 2)), ((1, 1, 3), (4, 5))]:
    img = torch.rand(1, C, H, W, generator=g)
    out = Fn.interpolate(img, size=(h, w), mode="bilinear", align_corners=False, antialias=False)
    # rnnkit's images are H×W×C (channels last, as PNG stores them).
    cases.append({
        "input": {"shape": [H, W, C], "data": img[0].permute(1, 2, 0).reshape(-1).tolist()},
        "size": [h, w],
        "output": {"shape": [h, w, C], "data": out[0].permute(1, 2, 0).reshape(-1).tolist()},
    })
expected["resize_bilinear"] = cases

with open(os.path.join(OUT, "expected.json"), "w") as f:
    json.dump(expected, f, separators=(",", ":"), allow_nan=False)
    f.write("\n")
print("wrote", OUT)
