// The part of the generated model.py that every model kind shares: the header, config.json, and
// small pure-Python readers and a writer for safetensors and .npy, so the exported folder needs
// nothing but torch (the `safetensors` package is used when it is installed).
// The Python is kept free of backticks and dollar-brace sequences so it can live in String.raw.

/** The marker in an export folder's config.json (and in the weights' metadata) that makes it rnnkit's. */
export const EXPORT_FORMAT = 'rnnkit-pytorch-export';
export const EXPORT_VERSION = 1;

/** The docstring and imports; `what` is one line naming the model, `modules` what its part imports besides. */
export function pythonHeader(what: string, modules: readonly string[] = []): string {
  const imports = [...new Set(['ast', 'json', 'os', 'struct', ...modules])].sort().map((m) => `import ${m}`).join('\n');
  // names from the model (columns, classes) must not end the docstring or escape out of it
  const doc = what.replace(/[\r\n]+/g, ' ').replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  return String.raw`"""${doc}

Exported by rnnkit (rnnkit export --format pytorch). Plain torch.nn: this file needs only torch.
It reads config.json and model.safetensors from its own folder; see README.md.
Parameter names are PyTorch's, exactly as rnnkit saved them, so nothing is renamed.
"""
${imports}

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
EXPORT_FORMAT = "${EXPORT_FORMAT}"
`;
}

export const PYTHON_IO = String.raw`

# ---------------------------------------------------------------------------------------------
# Files: config.json, safetensors and .npy without any package beyond torch.

def load_config(folder=HERE):
    """config.json of an export folder (checked for rnnkit's marker)."""
    with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    if config.get("format") != EXPORT_FORMAT:
        raise ValueError(folder + "/config.json: not an rnnkit PyTorch export (no \"format\": \"" + EXPORT_FORMAT + "\")")
    return config


# safetensors dtype names and .npy descriptors -> torch dtypes (little-endian only)
_SAFETENSORS_DTYPES = {"F64": torch.float64, "F32": torch.float32, "I64": torch.int64, "I32": torch.int32, "U8": torch.uint8}
_NPY_DTYPES = {"<f8": torch.float64, "<f4": torch.float32, "<i8": torch.int64, "<i4": torch.int32, "|u1": torch.uint8, "|i1": torch.int8}


def _from_bytes(data, dtype, shape):
    # bytearray: torch.frombuffer needs a writable buffer to share memory without a warning
    count = 1
    for d in shape:
        count *= d
    if count == 0:
        return torch.zeros(shape, dtype=dtype)
    return torch.frombuffer(bytearray(data), dtype=dtype).reshape(shape).clone()


def read_safetensors(path):
    """name -> tensor. The safetensors package when installed, else the format read by hand:
    an 8-byte little-endian header length, a JSON header, then the raw little-endian data."""
    try:
        from safetensors.torch import load_file
        return load_file(path)
    except ImportError:
        pass
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    data = blob[8 + n:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if entry["dtype"] not in _SAFETENSORS_DTYPES:
            raise ValueError(path + ": tensor " + name + " has dtype " + entry["dtype"] + ", which this reader does not know")
        begin, end = entry["data_offsets"]
        tensors[name] = _from_bytes(data[begin:end], _SAFETENSORS_DTYPES[entry["dtype"]], entry["shape"])
    return tensors


def write_safetensors(path, tensors, metadata=None):
    """Writes float32/float64 tensors as safetensors (atomically: a temporary file, then rename)."""
    # dtype -> (safetensors name, struct code); struct packs the values exactly, without numpy
    kinds = {torch.float32: ("F32", "f"), torch.float64: ("F64", "d"), torch.int64: ("I64", "q"), torch.int32: ("I32", "i")}
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name, t in tensors.items():
        t = t.detach().cpu()
        dtype, code = kinds[t.dtype]
        values = t.reshape(-1).tolist()
        raw = struct.pack("<" + str(len(values)) + code, *values)
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    tmp = path + ".tmp-" + str(os.getpid())
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))
    os.replace(tmp, path)


def read_npy(path):
    """One .npy array (version 1.0-3.0, C order, little-endian numbers) as a tensor."""
    with open(path, "rb") as f:
        blob = f.read()
    if blob[:6] != b"\x93NUMPY":
        raise ValueError(path + ": not a .npy file")
    major = blob[6]
    if major == 1:
        (n,) = struct.unpack("<H", blob[8:10])
        start = 10
    else:
        (n,) = struct.unpack("<I", blob[8:12])
        start = 12
    header = ast.literal_eval(blob[start:start + n].decode("latin1"))
    if header["fortran_order"]:
        raise ValueError(path + ": Fortran-ordered arrays are not read")
    if header["descr"] not in _NPY_DTYPES:
        raise ValueError(path + ": dtype " + header["descr"] + " is not read")
    return _from_bytes(blob[start + n:], _NPY_DTYPES[header["descr"]], list(header["shape"]))
`;
