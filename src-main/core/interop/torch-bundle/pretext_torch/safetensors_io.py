"""The safetensors format written and read by hand: an 8-byte little-endian header length, a JSON
header {name: {dtype, shape, data_offsets}, "__metadata__": {str: str}}, then the raw little-endian
tensor bytes. Debian's python3-torch comes without the `safetensors` package, and the format is
small enough that depending on it is not worth a missing-module error on a cluster node."""
import json
import struct

import torch

_DTYPES = {torch.float32: "F32", torch.int64: "I64"}
_TORCH = {name: dtype for dtype, name in _DTYPES.items()}


def save(tensors, path, metadata=None):
    header = {"__metadata__": dict(metadata or {})}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        tensor = tensors[name].detach().to("cpu").contiguous()
        if tensor.dtype not in _DTYPES:
            raise ValueError(f"{name}: dtype {tensor.dtype} is not supported (float32, int64)")
        blob = tensor.numpy().astype(tensor.numpy().dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": _DTYPES[tensor.dtype], "shape": list(tensor.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    encoded = json.dumps(header, separators=(",", ":")).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)  # the format pads the header to 8 bytes
    with open(path, "wb") as handle:
        handle.write(struct.pack("<Q", len(encoded)))
        handle.write(encoded)
        for blob in blobs:
            handle.write(blob)


def load(path):
    """Returns (tensors, metadata)."""
    with open(path, "rb") as handle:
        data = handle.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + length])
    metadata = header.pop("__metadata__", {})
    body = data[8 + length :]
    tensors = {}
    for name, entry in header.items():
        start, end = entry["data_offsets"]
        flat = torch.frombuffer(bytearray(body[start:end]), dtype=_TORCH[entry["dtype"]])
        tensors[name] = flat.reshape(entry["shape"])
    return tensors, metadata
