"""Produce test/fixtures/mixed.safetensors and its JSON sidecar mixed.safetensors.json.

The file holds one F32 tensor and one F64 tensor with __metadata__ {"format": "pt"}
(the F64 tensor comes first in the byte buffer, like the official writer, which
orders by dtype alignment).  The sidecar lists the expected header and values:
{"metadata", "header_length", "tensors": {name: {"dtype", "shape", "data_offsets", "data"}}}.
"""
import json
import os
import struct

import torch

from _common import FIXTURES, header, write_json, write_safetensors

torch.manual_seed(99)

tensors = {
    "stats.mean": torch.randn(5, dtype=torch.float64),  # F64, needs all 53 mantissa bits
    "embedding.weight": torch.randn(3, 4, dtype=torch.float32),  # F32
}
metadata = {"format": "pt"}
path = write_safetensors("mixed.safetensors", tensors, metadata)

with open(path, "rb") as f:
    (n,) = struct.unpack("<Q", f.read(8))
    hdr = json.loads(f.read(n))

out = header("safetensors_mixed.py")
out["file"] = "test/fixtures/mixed.safetensors"
out["file_size"] = os.path.getsize(path)
out["header_length"] = n
out["metadata"] = metadata
out["tensors"] = {
    name: {"dtype": hdr[name]["dtype"], "shape": list(t.shape), "data_offsets": hdr[name]["data_offsets"],
           "data": t.reshape(-1).tolist()}
    for name, t in tensors.items()
}
write_json("mixed.safetensors.json", out)
