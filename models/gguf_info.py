"""Read what a GGUF file is without loading its weights.

The picker, the command line and the loader all need the same facts (architecture, size,
quantization, context length, chat template, a memory estimate) before committing RAM to a
model, and they need a clear reason when the file is not a usable GGUF at all.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from fireside.models.errors import CorruptGGUFError, ModelError, NotGGUFError
from fireside.models.gguf_header import HeaderError, TensorEntry, read_header
from fireside.models.library.gguf_names import is_projector, split_name
from fireside.models.memory_fit import DEFAULT_CTX, MemoryEstimate, estimate_memory, kv_cache_bytes

GGUF_MAGIC = b"GGUF"


@dataclass
class GGUFInfo:
    """Facts about a GGUF model file, plus an estimate of the memory it needs to run."""

    path: str
    file_size: int
    architecture: str
    name: str | None
    parameter_count: int
    quantization: str
    context_length: int | None
    n_layers: int | None
    embedding_length: int | None
    n_head: int | None
    n_head_kv: int | None
    head_dim: int | None
    sliding_window: int | None
    chat_template: str | None
    bos_token: str | None = None
    eos_token: str | None = None
    metadata: dict = field(default_factory=dict, repr=False)

    def kv_cache_bytes(self, n_ctx: int, kv_cache: str = "f16") -> int:
        """Bytes of a K+V cache of type ``kv_cache`` holding ``n_ctx`` tokens."""
        return kv_cache_bytes(self.n_layers, self.n_head_kv, self.head_dim, n_ctx, kv_cache)

    def memory_breakdown(self, n_ctx: int | None = None, kv_cache: str = "f16") -> MemoryEstimate:
        """Weights + KV cache + buffers at ``n_ctx`` (the shared estimate, see memory_fit)."""
        ctx = n_ctx or min(self.context_length or DEFAULT_CTX, DEFAULT_CTX)
        return estimate_memory(
            self.file_size, ctx, self.n_layers, self.n_head_kv, self.head_dim, kv_cache
        )

    def memory_estimate(self, n_ctx: int | None = None, kv_cache: str = "f16") -> int:
        """Bytes needed to run the model with ``n_ctx`` context (weights + KV + buffers)."""
        return self.memory_breakdown(n_ctx, kv_cache).total

    @property
    def parameters_label(self) -> str:
        n = self.parameter_count
        if n >= 1e9:
            return f"{n / 1e9:.1f}B"
        return f"{n / 1e6:.0f}M"

    def to_dict(self, n_ctx: int | None = None, kv_cache: str = "f16") -> dict:
        data = asdict(self)
        data.pop("metadata")
        data["parameters"] = self.parameters_label
        data["memory_estimate_bytes"] = self.memory_estimate(n_ctx, kv_cache)
        data["kv_cache_type"] = kv_cache
        data["has_chat_template"] = self.chat_template is not None
        data.pop("chat_template")
        return data


def _scalar(value) -> int | None:
    """Some keys are per-layer arrays (e.g. head_count_kv); take the largest entry."""
    if value is None:
        return None
    if isinstance(value, list):
        return int(max(value)) if value else None
    return int(value)


def _tensor_bytes(type_id: int, n_elements: int) -> int:
    from gguf.constants import GGML_QUANT_SIZES, GGMLQuantizationType

    try:
        block, size = GGML_QUANT_SIZES[GGMLQuantizationType(type_id)]
    except (ValueError, KeyError):
        raise CorruptGGUFError(None, f"unknown tensor type {type_id}") from None
    return n_elements // block * size


def _check_file(path: Path) -> int:
    if not path.exists():
        raise ModelError(path, "file not found")
    if path.is_dir():
        raise ModelError(path, "is a folder, not a GGUF file")
    try:
        with path.open("rb") as fh:
            magic = fh.read(4)
    except OSError as exc:
        raise ModelError(path, f"cannot be read ({exc.strerror or exc})") from None
    size = path.stat().st_size
    if magic != GGUF_MAGIC:
        raise NotGGUFError(path, "not a GGUF model file (wrong magic bytes)")
    return size


def inspect_gguf(path: str | os.PathLike) -> GGUFInfo:
    """Read a GGUF's header and tensor table; raise a ``ModelError`` subclass if unusable."""
    p = Path(path).expanduser()
    split = split_name(p.name)
    if split is not None and split.index != 1 and p.exists():
        raise ModelError(
            p,
            f"part {split.index} of {split.count} of a split model; "
            f"open the first part, {split.part(1)}",
        )
    size = _check_file(p)
    total_size = _model_size(p, size)
    try:
        header = read_header(p)
    except (HeaderError, OSError, ValueError) as exc:
        raise CorruptGGUFError(p, f"truncated or damaged GGUF header ({exc})") from None
    meta = header.metadata
    if not header.tensors:
        raise CorruptGGUFError(p, "GGUF file holds no tensors")
    try:
        data_end = header.data_start + max(
            t.offset + _tensor_bytes(t.type_id, t.n_elements) for t in header.tensors
        )
    except CorruptGGUFError as exc:
        raise CorruptGGUFError(p, exc.cause) from None
    if data_end > size:
        raise CorruptGGUFError(
            p, f"truncated: the tensor data needs {data_end:,} bytes but the file has {size:,}"
        )

    arch = meta.get("general.architecture") or "unknown"
    if arch == "clip" or is_projector(p.name):
        raise NotGGUFError(
            p,
            "a projector (mmproj) file: it adds image input to another model and cannot "
            "chat on its own; open the model's own GGUF",
        )
    n_embd = _scalar(meta.get(f"{arch}.embedding_length"))
    n_head = _scalar(meta.get(f"{arch}.attention.head_count"))
    n_head_kv = _scalar(meta.get(f"{arch}.attention.head_count_kv")) or n_head
    head_dim = _scalar(meta.get(f"{arch}.attention.key_length"))
    if head_dim is None and n_embd and n_head:
        head_dim = n_embd // n_head
    tokens = meta.get("tokenizer.ggml.tokens")

    def _token(key: str) -> str | None:
        idx = meta.get(key)
        if idx is None or not isinstance(tokens, list) or not 0 <= int(idx) < len(tokens):
            return None
        return tokens[int(idx)]

    metadata = {k: v for k, v in meta.items() if isinstance(v, (str, int, float, bool))}

    return GGUFInfo(
        path=str(p),
        file_size=total_size,
        architecture=arch,
        name=meta.get("general.name"),
        parameter_count=sum(t.n_elements for t in header.tensors),
        quantization=_quantization(meta, header.tensors),
        context_length=_scalar(meta.get(f"{arch}.context_length")),
        n_layers=_scalar(meta.get(f"{arch}.block_count")),
        embedding_length=n_embd,
        n_head=n_head,
        n_head_kv=n_head_kv,
        head_dim=head_dim,
        sliding_window=_scalar(meta.get(f"{arch}.attention.sliding_window")),
        chat_template=meta.get("tokenizer.chat_template"),
        bos_token=_token("tokenizer.ggml.bos_token_id"),
        eos_token=_token("tokenizer.ggml.eos_token_id"),
        metadata=metadata,
    )


def _model_size(path: Path, first_size: int) -> int:
    """All parts of a split model (loaded from its first part), else the file's size."""
    split = split_name(path.name)
    if split is None:
        return first_size
    total = 0
    for i in range(1, split.count + 1):
        part = path.with_name(split.part(i))
        try:
            total += part.stat().st_size
        except OSError:
            raise ModelError(
                path, f"part {i} of this {split.count}-part model is missing ({part.name})"
            ) from None
    return total


def _quantization(meta: dict, tensors: list[TensorEntry]) -> str:
    """Name the file type (``general.file_type``), else the most common tensor type."""
    from gguf.constants import GGMLQuantizationType, LlamaFileType

    file_type = meta.get("general.file_type")
    if file_type is not None:
        try:
            return LlamaFileType(int(file_type)).name.removeprefix("MOSTLY_")
        except ValueError:
            pass
    counts: dict[str, int] = {}
    for t in tensors:
        try:
            name = GGMLQuantizationType(t.type_id).name
        except ValueError:
            name = f"type{t.type_id}"
        counts[name] = counts.get(name, 0) + t.n_elements
    return max(counts, key=counts.get)
