"""Just enough of the ONNX protobuf format to write a model, so building one needs no `onnx` package.

onnxruntime reads models as bytes; the `onnx` package (and its protobuf build) would only be needed to write
them. The encoder's graph uses a handful of message types, written here field by field (numbers from
onnx/onnx.proto, proto2: repeated scalars unpacked). tests/exercises/semantic check the bytes with `onnx`.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

IR_VERSION = 8  # ONNX 1.10+, opset 17 (LayerNormalization)
OPSET = 17
FLOAT, UINT8, INT8, INT32, INT64 = 1, 2, 3, 6, 7
_DTYPES = {np.dtype(np.float32): FLOAT, np.dtype(np.uint8): UINT8, np.dtype(np.int8): INT8,
           np.dtype(np.int32): INT32, np.dtype(np.int64): INT64}
_ATTR_FLOAT, _ATTR_INT, _ATTR_INTS = 1, 2, 7


def _varint(value: int) -> bytes:
    value &= (1 << 64) - 1  # negative int64 as two's complement, ten bytes
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _int(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value)


def _bytes(number: int, value: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(value)) + value


def _str(number: int, value: str) -> bytes:
    return _bytes(number, value.encode("utf-8"))


def _float(number: int, value: float) -> bytes:
    return _varint(number << 3 | 5) + struct.pack("<f", value)


def tensor(name: str, array: np.ndarray) -> bytes:
    """TensorProto with raw little-endian data."""
    array = np.ascontiguousarray(array)
    dims = b"".join(_int(1, d) for d in array.shape)
    data = array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
    return dims + _int(2, _DTYPES[array.dtype]) + _str(8, name) + _bytes(9, data)


def value_info(name: str, elem_type: int, dims: Sequence[int | str]) -> bytes:
    """ValueInfoProto for a graph input or output; a str dim is symbolic (batch, length)."""
    shape = b"".join(_bytes(1, _str(2, d) if isinstance(d, str) else _int(1, d)) for d in dims)
    tensor_type = _int(1, elem_type) + _bytes(2, shape)
    return _str(1, name) + _bytes(2, _bytes(1, tensor_type))


def _attribute(name: str, value: int | float | Sequence[int]) -> bytes:
    if isinstance(value, bool | int):
        return _str(1, name) + _int(3, int(value)) + _int(20, _ATTR_INT)
    if isinstance(value, float):
        return _str(1, name) + _float(2, value) + _int(20, _ATTR_FLOAT)
    return _str(1, name) + b"".join(_int(8, v) for v in value) + _int(20, _ATTR_INTS)


@dataclass
class Graph:
    """Nodes and initializers collected in order; `model()` returns the serialized ModelProto."""

    nodes: list[bytes] = field(default_factory=list)
    initializers: list[bytes] = field(default_factory=list)
    _count: int = 0

    def fresh(self, hint: str) -> str:
        self._count += 1
        return f"{hint}_{self._count}"

    def const(self, hint: str, array: np.ndarray) -> str:
        name = self.fresh(hint)
        self.initializers.append(tensor(name, array))
        return name

    def op(self, op_type: str, inputs: Iterable[str], outputs: int = 1, **attributes: int | float | Sequence[int]
           ) -> list[str]:
        names = [self.fresh(op_type.lower()) for _ in range(outputs)]
        body = b"".join(_str(1, i) for i in inputs) + b"".join(_str(2, o) for o in names)
        body += _str(3, names[0]) + _str(4, op_type)
        body += b"".join(_bytes(5, _attribute(k, v)) for k, v in attributes.items())
        self.nodes.append(body)
        return names

    def model(self, inputs: Sequence[bytes], outputs: Sequence[bytes], rename: dict[str, str]) -> bytes:
        """The ModelProto; `rename` maps internal value names to the graph's public output names."""
        nodes = self.nodes
        if rename:
            nodes = [*nodes] + [_str(1, src) + _str(2, dst) + _str(3, dst) + _str(4, "Identity")
                                for src, dst in rename.items()]
        graph = b"".join(_bytes(1, n) for n in nodes) + _str(2, "encoder")
        graph += b"".join(_bytes(5, t) for t in self.initializers)
        graph += b"".join(_bytes(11, v) for v in inputs) + b"".join(_bytes(12, v) for v in outputs)
        opset = _str(1, "") + _int(2, OPSET)
        return _int(1, IR_VERSION) + _str(2, "oars") + _bytes(7, graph) + _bytes(8, opset)
