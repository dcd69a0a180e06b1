"""A fast, read-only parser of a GGUF file's header: metadata and tensor table.

Why not ``gguf.GGUFReader``: it builds numpy views of every vocabulary entry, which takes
4-6 s on a 49k-token vocabulary, on every start. This walks the header once with
``struct`` over a memory map (tens of milliseconds) and never touches the tensor data.
Layout: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass
from pathlib import Path

# GGUF metadata value types -> struct format (scalars)
_SCALARS = {
    0: "B",
    1: "b",
    2: "H",
    3: "h",
    4: "I",
    5: "i",
    6: "f",
    7: "?",
    10: "Q",
    11: "q",
    12: "d",
}
_STRING, _ARRAY = 8, 9
# Arrays longer than this are skipped (vocabularies, merges, scores) unless asked for.
_KEEP_ARRAY_MAX = 4096


class HeaderError(ValueError):
    """The header is cut short or malformed."""


@dataclass
class TensorEntry:
    name: str
    shape: tuple[int, ...]
    type_id: int
    offset: int  # relative to the start of the data section

    @property
    def n_elements(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n


@dataclass
class GGUFHeader:
    version: int
    metadata: dict
    tensors: list[TensorEntry]
    data_start: int


class _Cursor:
    def __init__(self, buf) -> None:
        self.buf = buf
        self.pos = 0

    def take(self, fmt: str):
        size = struct.calcsize("<" + fmt)
        if self.pos + size > len(self.buf):
            raise HeaderError(f"header ends early at byte {self.pos}")
        value = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += size
        return value[0] if len(value) == 1 else value

    def string(self) -> str:
        n = self.take("Q")
        if n > len(self.buf) - self.pos:
            raise HeaderError(f"string of {n} bytes runs past the end of the file")
        raw = bytes(self.buf[self.pos : self.pos + n])
        self.pos += n
        return raw.decode("utf-8", errors="replace")

    def skip_strings(self, count: int) -> None:
        for _ in range(count):
            n = self.take("Q")
            if n > len(self.buf) - self.pos:
                raise HeaderError("string array runs past the end of the file")
            self.pos += n

    def value(self, type_id: int, keep_arrays: bool):
        if type_id in _SCALARS:
            return self.take(_SCALARS[type_id])
        if type_id == _STRING:
            return self.string()
        if type_id == _ARRAY:
            item_type, count = self.take("I"), self.take("Q")
            if item_type == _STRING:
                if keep_arrays or count <= _KEEP_ARRAY_MAX:
                    return [self.string() for _ in range(count)]
                self.skip_strings(count)
                return None
            if item_type not in _SCALARS:
                raise HeaderError(f"unsupported array item type {item_type}")
            fmt = _SCALARS[item_type]
            size = struct.calcsize("<" + fmt) * count
            if self.pos + size > len(self.buf):
                raise HeaderError("array runs past the end of the file")
            if count <= _KEEP_ARRAY_MAX:
                values = list(struct.unpack_from(f"<{count}{fmt}", self.buf, self.pos))
            else:
                values = None
            self.pos += size
            return values
        raise HeaderError(f"unknown metadata value type {type_id}")


def read_header(
    path: Path, keep_arrays: tuple[str, ...] = ("tokenizer.ggml.tokens",)
) -> GGUFHeader:
    """Parse metadata and the tensor table; big arrays are skipped except ``keep_arrays``."""
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
        cur = _Cursor(buf)
        if cur.take("4s") != b"GGUF":
            raise HeaderError("wrong magic bytes")
        version = cur.take("I")
        if version not in (2, 3):
            raise HeaderError(f"unsupported GGUF version {version}")
        n_tensors, n_kv = cur.take("Q"), cur.take("Q")
        if n_tensors > 1_000_000 or n_kv > 1_000_000:
            raise HeaderError("implausible tensor or key count")
        metadata: dict = {}
        for _ in range(n_kv):
            key = cur.string()
            type_id = cur.take("I")
            metadata[key] = cur.value(type_id, key in keep_arrays)
        tensors = []
        for _ in range(n_tensors):
            name = cur.string()
            n_dims = cur.take("I")
            if n_dims > 8:
                raise HeaderError(f"tensor {name} has {n_dims} dimensions")
            shape = tuple(cur.take("Q") for _ in range(n_dims))
            tensors.append(TensorEntry(name, shape, cur.take("I"), cur.take("Q")))
        align = int(metadata.get("general.alignment") or 32)
        data_start = (cur.pos + align - 1) // align * align
    return GGUFHeader(version, metadata, tensors, data_start)
