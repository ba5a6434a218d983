"""Produce safetensors files in every dtype PyTorch users save, for rnnkit's reader.

Writes test/fixtures/safetensors/:
  dtypes.safetensors     F16, BF16, F32, F64, I64, I32, I16, I8, U8, BOOL tensors (F16 subnormals,
                         +-inf, NaN, -0; BF16 extremes; I64 at +-2^53; an empty and a scalar tensor;
                         tensors named "__proto__" and "constructor"), __metadata__ {"format": "pt"}
  i64_beyond_2p53.safetensors
                         an I64 tensor holding 2^53 + 1, which float64 cannot hold exactly: rnnkit
                         must refuse it with an error naming the tensor, the index and the value
  u8_proto.safetensors   a single U8 tensor named "__proto__"
  dtypes.json            expected values: {name: {"dtype", "shape", "data"}} with data as
                         `t.double().reshape(-1).tolist()` (exact for every dtype here; bool as 0/1),
                         non-finite values as the strings "nan", "inf", "-inf"; plus "errors"

python3-safetensors is not packaged here, so the format is written by hand (see _common.py):
u64-LE header length, compact JSON header padded with spaces to a multiple of 8, then the raw
little-endian bytes (`numpy().tobytes()`; bfloat16, which numpy lacks, through an int16 view).
The script reads every file back with torch.frombuffer and checks it bit for bit.
"""
import json
import math
import os
import struct
import sys

import torch

from _common import FIXTURES, ROOT, header

assert sys.byteorder == "little", "tobytes() must give little-endian data"
OUT = os.path.join(FIXTURES, "safetensors")
os.makedirs(OUT, exist_ok=True)

CODES = {
    torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
    torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8",
    torch.uint8: "U8", torch.bool: "BOOL",
}
DTYPES = {v: k for k, v in CODES.items()}


def raw_bytes(t):
    t = t.detach().contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().tobytes()
    return t.numpy().tobytes()


def bits(t):
    """A tensor's bytes as an int tensor, to compare NaN payloads and -0 exactly."""
    return torch.frombuffer(bytearray(raw_bytes(t)) or bytearray(1), dtype=torch.uint8)


def write(filename, tensors, metadata=None):
    """Write {name: tensor} like the official writer: by descending item size, then name."""
    order = sorted(tensors, key=lambda n: (-tensors[n].element_size(), n.encode("utf-8")))
    hdr, blobs, offset = {}, [], 0
    if metadata is not None:
        hdr["__metadata__"] = metadata
    for name in order:
        t = tensors[name]
        raw = raw_bytes(t)
        hdr[name] = {"dtype": CODES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    hjson = json.dumps(hdr, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    hjson += b" " * (-len(hjson) % 8)
    path = os.path.join(OUT, filename)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hjson)) + hjson + b"".join(blobs))
    check(path, tensors, metadata)
    print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path)} bytes)")


def check(path, tensors, metadata):
    """Read the file back with torch.frombuffer and compare bit for bit."""
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    hdr = json.loads(blob[8 : 8 + n].decode("utf-8"))
    assert hdr.pop("__metadata__", None) == metadata
    assert sorted(hdr) == sorted(tensors)
    data = blob[8 + n :]
    for name, info in hdr.items():
        b, e = info["data_offsets"]
        dt = DTYPES[info["dtype"]]
        chunk = bytearray(data[b:e])
        back = torch.frombuffer(chunk, dtype=dt).reshape(info["shape"]) if chunk else torch.empty(info["shape"], dtype=dt)
        assert back.shape == tensors[name].shape, name
        assert torch.equal(bits(back), bits(tensors[name])), name


def expected(t):
    def enc(v):
        if isinstance(v, float) and not math.isfinite(v):
            return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
        return v

    data = t.double().reshape(-1).tolist()
    if t.dtype == torch.int64:  # .double() is exact here: every value is within +-2^53
        assert data == [float(x) for x in t.reshape(-1).tolist()]
    return {"dtype": CODES[t.dtype], "shape": list(t.shape), "data": [enc(v) for v in data]}


def f16_bits(*codes):
    return torch.tensor([c - 0x10000 if c >= 0x8000 else c for c in codes], dtype=torch.int16).view(torch.float16)


def bf16_bits(*codes):
    return torch.tensor([c - 0x10000 if c >= 0x8000 else c for c in codes], dtype=torch.int16).view(torch.bfloat16)


torch.manual_seed(8)
P53 = 2**53
tensors = {
    # zero, -0, 1, -2.5, max, min normal, min subnormal 2^-24, max subnormal, a negative subnormal,
    # +inf, -inf, NaN, 0.1 and pi rounded to half, then bit patterns: -NaN, a NaN with payload.
    "half": torch.cat([
        torch.tensor([0.0, -0.0, 1.0, -2.5, 65504.0, 2.0**-14, 2.0**-24, 1023 * 2.0**-24, -3 * 2.0**-24,
                      math.inf, -math.inf, math.nan, 0.1, math.pi], dtype=torch.float16),
        f16_bits(0xFE00, 0x7C01),
    ]).reshape(4, 4),
    "half.random": torch.randn(2, 3).half(),
    # zero, -0, 1, -1.5, max, min normal, min subnormal 2^-133, +-inf, NaN, 0.1, 1/3, 1e10 (rounded)
    "bf16": torch.cat([
        torch.tensor([0.0, -0.0, 1.0, -1.5, 3.3895313892515355e38, 2.0**-126, 2.0**-133,
                      math.inf, -math.inf, math.nan, 0.1, 1 / 3, 1e10], dtype=torch.bfloat16),
        bf16_bits(0xFFC1, 0x0001, 0x8001),
    ]).reshape(2, 8),
    "bf16.random": torch.randn(5).bfloat16(),
    "f32": torch.randn(3),
    "f64": torch.randn(2, dtype=torch.float64),
    "labels.i64": torch.tensor([0, 1, -1, -100, 123456789012345, P53 - 1, -(P53 - 1), P53, -P53], dtype=torch.int64),
    "empty.i64": torch.zeros(0, 3, dtype=torch.int64),
    "scalar.i64": torch.tensor(7, dtype=torch.int64),
    "i32": torch.tensor([-(2**31), 2**31 - 1, 0, -1, 7, 65536], dtype=torch.int32).reshape(2, 3),
    "i16": torch.tensor([-32768, 32767, 0, -1, 300], dtype=torch.int16),
    "i8": torch.tensor([-128, 127, 0, -1, 5], dtype=torch.int8),
    "u8": torch.tensor([0, 255, 128, 1, 42], dtype=torch.uint8),
    "mask": torch.tensor([[True, False, True], [True, False, False]]),
    "__proto__": torch.tensor([3, 1, 4], dtype=torch.int64),
    "constructor": torch.tensor([1.5, -2.0], dtype=torch.float32),
    "toString": torch.tensor([False, True]),
}
metadata = {"format": "pt", "__proto__": "metadata may use odd keys too"}
write("dtypes.safetensors", tensors, metadata)

beyond = {"ok": torch.tensor([1.0, 2.0]), "labels": torch.tensor([P53, -P53, P53 + 1, 5], dtype=torch.int64)}
write("i64_beyond_2p53.safetensors", beyond)
below = {"labels": torch.tensor([0, -(P53 + 2)], dtype=torch.int64)}  # exactly representable, still refused
write("i64_below_minus_2p53.safetensors", below)

out = header("safetensors_dtypes.py")
out["file"] = "test/fixtures/safetensors/dtypes.safetensors"
out["metadata"] = metadata
out["tensors"] = {name: expected(t) for name, t in tensors.items()}
# I64 values beyond +-2^53 are refused even when float64 happens to hold them (2^53 + 2):
# the rule is the range, not the bit pattern.
out["errors"] = [
    {"file": "test/fixtures/safetensors/i64_beyond_2p53.safetensors", "tensor": "labels", "dtype": "I64",
     "index": 2, "value": str(P53 + 1)},
    {"file": "test/fixtures/safetensors/i64_below_minus_2p53.safetensors", "tensor": "labels", "dtype": "I64",
     "index": 1, "value": str(-(P53 + 2))},
]
path = os.path.join(OUT, "dtypes.json")
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"), allow_nan=False, ensure_ascii=False)
    f.write("\n")
print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path)} bytes)")
