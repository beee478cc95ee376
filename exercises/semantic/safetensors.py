"""A minimal safetensors reader: an 8-byte little-endian header length, a JSON header, then raw tensors.

`load` gives read-only numpy views over a memory map of the file, so opening is cheap; `RowTable` reads an
embedding table's rows on demand without mapping it (see its docstring for why the encoder uses it).
"""

from __future__ import annotations

import json
import os
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


class RowTable:
    """One 2-D tensor of a safetensors file whose rows are read on demand (`table[ids]`), never mapped.

    An embedding table is touched a few rows at a time. Memory-mapped, each touched row also maps the pages
    around it (the kernel's fault-around), so after a few thousand texts nearly the whole 45 MB table counted
    in the process's resident memory (#17). Read with pread, the rows stay in the page cache, shared and
    reclaimable, and only the gathered copies are the process's own.
    """

    def __init__(self, path: Path | str, name: str) -> None:
        path = Path(path)
        start, header = read_header(path)
        info = header.get(name)
        if not isinstance(info, dict):
            raise SafetensorsError(f"{path}: no tensor {name!r}")
        dtype = _DTYPES.get(str(info["dtype"]))
        shape = tuple(int(x) for x in info["shape"])  # type: ignore[attr-defined]
        if dtype is None or len(shape) != 2:
            raise SafetensorsError(f"{path}: tensor {name!r} is not a 2-D table of a known dtype")
        begin, end = (int(x) for x in info["data_offsets"])  # type: ignore[attr-defined]
        self.dtype = np.dtype(dtype)
        self.shape = shape
        self._row_bytes = shape[1] * self.dtype.itemsize
        if end - begin != shape[0] * self._row_bytes or start + end > path.stat().st_size:
            raise SafetensorsError(f"{path}: tensor {name!r} size does not match its shape {shape}")
        self._offset = start + begin
        self._fd = os.open(path, os.O_RDONLY)

    def __getitem__(self, ids: np.ndarray) -> np.ndarray:
        """Rows `ids` (any shape of row numbers): an array of shape ids.shape + (columns,)."""
        flat = np.asarray(ids, dtype=np.int64).reshape(-1)
        if flat.size and (flat.min() < 0 or flat.max() >= self.shape[0]):
            raise IndexError(f"row out of range 0..{self.shape[0] - 1}")
        unique, inverse = np.unique(flat, return_inverse=True)
        size = self._row_bytes
        raw = b"".join(os.pread(self._fd, size, self._offset + int(i) * size) for i in unique)
        if len(raw) != size * len(unique):
            raise SafetensorsError("short read from the model file")
        rows = np.frombuffer(raw, dtype=self.dtype).reshape(len(unique), self.shape[1])
        return rows[inverse].reshape(*np.shape(ids), self.shape[1])

    def __del__(self) -> None:
        fd, self._fd = getattr(self, "_fd", -1), -1
        if fd >= 0:
            os.close(fd)
