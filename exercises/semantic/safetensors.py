"""A minimal safetensors reader: an 8-byte little-endian header length, a JSON header, then raw tensors.

Tensors come back as read-only numpy views over a memory map of the file, so opening is cheap and only
the rows that are used get paged in.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np

_DTYPES = {
    "F64": "<f8", "F32": "<f4", "F16": "<f2",
    "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1",
    "U64": "<u8", "U32": "<u4", "U16": "<u2", "U8": "u1", "BOOL": "?",
}
_MAX_HEADER = 100 * 1024 * 1024


class SafetensorsError(ValueError):
    """The file is not a safetensors file this reader understands."""


def read_header(path: Path) -> tuple[int, dict[str, dict[str, object]]]:
    """(offset of the data section, tensor name -> {dtype, shape, data_offsets}); metadata dropped."""
    with open(path, "rb") as f:
        raw = f.read(8)
        if len(raw) != 8:
            raise SafetensorsError(f"{path}: too short for a safetensors header")
        (n,) = struct.unpack("<Q", raw)
        if n > _MAX_HEADER:
            raise SafetensorsError(f"{path}: header length {n} is implausible")
        header = json.loads(f.read(n).decode("utf-8"))
    if not isinstance(header, dict):
        raise SafetensorsError(f"{path}: header is not a JSON object")
    header.pop("__metadata__", None)
    return 8 + n, header


def load(path: Path | str) -> dict[str, np.ndarray]:
    """Every tensor in the file, as read-only little-endian numpy views (no copy)."""
    path = Path(path)
    start, header = read_header(path)
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=start)
    out: dict[str, np.ndarray] = {}
    for name, info in header.items():
        dtype = _DTYPES.get(str(info["dtype"]))
        if dtype is None:
            raise SafetensorsError(f"{path}: tensor {name!r} has unsupported dtype {info['dtype']}")
        begin, end = (int(x) for x in info["data_offsets"])  # type: ignore[attr-defined]
        shape = tuple(int(x) for x in info["shape"])  # type: ignore[attr-defined]
        if not 0 <= begin <= end <= data.size:
            raise SafetensorsError(f"{path}: tensor {name!r} lies outside the file")
        arr = np.frombuffer(data, dtype=np.dtype(dtype), count=(end - begin) // np.dtype(dtype).itemsize,
                            offset=begin)
        if arr.size != int(np.prod(shape, dtype=np.int64)):
            raise SafetensorsError(f"{path}: tensor {name!r} size does not match its shape {shape}")
        out[name] = arr.reshape(shape)
    return out
