"""The ONNX export of all-MiniLM-L6-v2 against sentence-transformers, on the real model.

The packaged model is exported once per session (``installer/export_minilm_onnx.py``, ~10 s)
and both runtimes embed the same real texts; a collection indexed by one opens in the other.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from fireside.models import onnx_embedder
from fireside.models.embedder import (
    DEFAULT_EMBEDDING_MODEL,
    EmbedderError,
    SentenceTransformerEmbedder,
)
from fireside.models.embedder_registry import EmbedderRegistry
from fireside.models.onnx_embedder import ONNX_MINILM_ENV, OnnxEmbedder

ROOT = Path(__file__).resolve().parents[2]
EXPORTER = ROOT / "installer" / "export_minilm_onnx.py"
FAQ = ROOT / "tests" / "data" / "documents" / "text" / "debian-faq.en.txt"
MIN_COSINE = 0.9999

pytestmark = pytest.mark.slow


def load_exporter():
    spec = importlib.util.spec_from_file_location("export_minilm_onnx", EXPORTER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def exported(tmp_path_factory) -> Path:
    return load_exporter().export(tmp_path_factory.mktemp("onnx") / DEFAULT_EMBEDDING_MODEL)


@pytest.fixture(scope="session")
def st_minilm() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(DEFAULT_EMBEDDING_MODEL)


@pytest.fixture(scope="session")
def onnx_minilm(exported) -> OnnxEmbedder:
    return OnnxEmbedder(exported)


@pytest.fixture(scope="module")
def texts() -> list[str]:
    """English paragraphs of every length, a whole chapter (far past 256 tokens), Chinese in
    both scripts, accents and emoji, and strings with next to nothing in them."""
    faq = FAQ.read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in faq.split("\n\n") if len(p.strip()) > 20]
    hsk = pytest.importorskip("hsk_sentences_audio").load_sentences()
    chinese = [s["chinese"] for s in hsk[::400]] + [s["traditional"] for s in hsk[200::800]]
    return [
        *paragraphs[:40:3],
        faq[5000:20000],  # one long text, cut at the model's limit
        *chinese,
        "混合 text: 大语言模型 and retrieval-augmented generation (RAG) 🔥",
        "Café crème, naïve résumé, Straße, ﬁ ligature, ２０２４ in full width",
        "",
        " ",
        "\n\t",
        "?",
        "a",
    ]


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1)


def test_the_export_gives_the_sentence_transformers_vectors(texts, st_minilm, onnx_minilm):
    tokenizer = onnx_minilm._ready()[0]
    assert max(len(tokenizer.encode(t).ids) for t in texts) == 256  # truncation was exercised
    # small batches mix long and short texts, so padding is exercised too
    want = st_minilm.encode(texts, batch_size=5)
    got = onnx_minilm.encode(texts, batch_size=5)
    assert got.shape == want.shape == (len(texts), st_minilm.dim)
    assert got.dtype == np.float32
    assert onnx_minilm.dim == st_minilm.dim == 384
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    sims = cosines(got, want)
    worst = int(sims.argmin())
    assert sims.min() >= MIN_COSINE, f"{sims.min():.6f} on {texts[worst][:60]!r}"
    # a text's vector does not depend on its batch companions or the batch size
    alone = np.stack([onnx_minilm.encode([t])[0] for t in texts[:12]])
    assert cosines(alone, got[:12]).min() >= MIN_COSINE
    assert cosines(onnx_minilm.encode(texts, batch_size=64), got).min() >= MIN_COSINE


def test_queries_match_and_empty_input_gives_no_rows(texts, st_minilm, onnx_minilm):
    for text in (texts[0], texts[-7], "", "What is Debian?"):
        q = onnx_minilm.encode_query(text)
        assert q.shape == (384,) and q.dtype == np.float32
        assert float(q @ st_minilm.encode_query(text)) >= MIN_COSINE
    assert onnx_minilm.encode([]).shape == (0, 384)


def test_the_export_describes_the_model_folder(exported):
    config = onnx_embedder.read_config(exported)
    assert config["pooling"] == "mean" and config["normalize"] is True
    assert config["max_seq_length"] == 256  # sentence_bert_config.json, not the tokenizer's 512
    assert config["dim"] == 384 and config["pad_token"] == "[PAD]"
    assert (exported / "tokenizer.json").is_file() and (exported / "model.onnx").is_file()


def test_the_registry_uses_the_export_under_the_same_name(exported, monkeypatch, tmp_path):
    monkeypatch.setattr(onnx_embedder, "BUNDLED_MINILM", tmp_path / "not-shipped")
    monkeypatch.delenv(ONNX_MINILM_ENV, raising=False)
    plain = EmbedderRegistry().get("minilm")
    assert isinstance(plain, SentenceTransformerEmbedder)

    monkeypatch.setenv(ONNX_MINILM_ENV, str(exported))
    registry = EmbedderRegistry()
    embedder = registry.get("minilm")
    assert isinstance(embedder, OnnxEmbedder) and embedder.folder == exported
    assert embedder.name == registry.canonical("sentence-transformers/all-MiniLM-L6-v2")
    assert embedder.name == DEFAULT_EMBEDDING_MODEL

    # the folder the app build exports into is found without the variable
    monkeypatch.delenv(ONNX_MINILM_ENV)
    monkeypatch.setattr(onnx_embedder, "BUNDLED_MINILM", exported)
    assert isinstance(EmbedderRegistry().get(DEFAULT_EMBEDDING_MODEL), OnnxEmbedder)


def test_a_collection_indexed_through_onnx_opens_with_sentence_transformers(
    exported, monkeypatch, tmp_path
):
    from fireside.assistant.documents.jobs import IndexJob
    from fireside.assistant.documents.retrieval import search
    from fireside.assistant.documents.store import DocumentStore

    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "debian.txt").write_text(FAQ.read_text(encoding="utf-8")[:6000], encoding="utf-8")
    (folder / "tea.txt").write_text(
        "Green tea is steeped at 80 degrees for two minutes; black tea takes boiling water.\n"
    )
    question = "How long should green tea steep?"
    monkeypatch.setattr(onnx_embedder, "BUNDLED_MINILM", tmp_path / "not-shipped")

    monkeypatch.setenv(ONNX_MINILM_ENV, str(exported))
    store = DocumentStore(tmp_path / "d.db", embedders=EmbedderRegistry())
    col = store.collection("notes", model="minilm")
    assert isinstance(store.embedders.get(col.model), OnnxEmbedder)
    IndexJob(store, col, [folder]).run()
    models = {r[0] for r in store.conn.execute("SELECT DISTINCT model FROM vectors")}
    assert models == {DEFAULT_EMBEDDING_MODEL}
    onnx_hits = search(store, question, collections="notes")
    store.close()

    monkeypatch.delenv(ONNX_MINILM_ENV)
    store = DocumentStore(tmp_path / "d.db", embedders=EmbedderRegistry())
    col = store.collection("notes", create=False)
    assert col.model == DEFAULT_EMBEDDING_MODEL
    assert isinstance(store.embedders.get(col.model), SentenceTransformerEmbedder)
    st_hits = search(store, question, collections="notes")
    store.close()
    assert onnx_hits and onnx_hits[0].document.endswith("tea.txt")
    assert [h.chunk_id for h in st_hits] == [h.chunk_id for h in onnx_hits]
    for a, b in zip(st_hits, onnx_hits, strict=True):
        assert a.similarity == pytest.approx(b.similarity, abs=1e-3)


def one_line_error(folder: Path) -> str:
    with pytest.raises(EmbedderError) as info:
        OnnxEmbedder(folder).encode(["hello"])
    message = str(info.value)
    assert "\n" not in message and message
    return message


def test_a_damaged_export_is_one_line(exported, tmp_path):
    damaged = tmp_path / "damaged"
    shutil.copytree(exported, damaged, ignore=shutil.ignore_patterns("model.onnx"))
    assert "has no model.onnx" in one_line_error(damaged)

    model = (exported / "model.onnx").read_bytes()
    (damaged / "model.onnx").write_bytes(model[: len(model) // 3])  # cut off mid-weights
    assert "cannot load ONNX model" in one_line_error(damaged)
    (damaged / "model.onnx").write_text("not a model\n" * 50)
    assert "cannot load ONNX model" in one_line_error(damaged)

    (damaged / "tokenizer.json").write_text("{")
    assert "tokenizer.json" in one_line_error(damaged)
    (damaged / "embedder.json").write_text('{"format": 1, "pooling": "sum"}')
    assert "is not an embedder export" in one_line_error(damaged)
    (damaged / "embedder.json").unlink()
    assert "has no embedder.json" in one_line_error(damaged)
    assert "does not exist" in one_line_error(tmp_path / "nowhere")


def test_without_sentence_transformers_or_an_export_the_error_names_both(monkeypatch, tmp_path):
    monkeypatch.setattr(onnx_embedder, "BUNDLED_MINILM", tmp_path / "not-shipped")
    monkeypatch.delenv(ONNX_MINILM_ENV, raising=False)
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # import fails
    embedder = EmbedderRegistry().get(DEFAULT_EMBEDDING_MODEL)
    with pytest.raises(EmbedderError) as info:
        embedder.encode(["hello"])
    message = str(info.value)
    assert "\n" not in message
    assert "sentence-transformers" in message and ONNX_MINILM_ENV in message
    assert str(tmp_path / "not-shipped") in message


NO_TORCH = textwrap.dedent(
    """
    import importlib.abc, sys

    HEAVY = ("torch", "transformers", "sentence_transformers", "scipy", "sklearn", "sympy")

    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in HEAVY:
                raise ImportError(f"{name} is not in the frozen app")

    sys.meta_path.insert(0, Block())
    from fireside.models.embedder_registry import EmbedderRegistry

    embedder = EmbedderRegistry().get("all-MiniLM-L6-v2")
    vectors = embedder.encode(["a first text", "and a second, longer text to pad against"])
    query = embedder.encode_query("a question")
    assert type(embedder).__name__ == "OnnxEmbedder", type(embedder)
    assert vectors.shape == (2, 384) and query.shape == (384,)
    loaded = [m for m in sys.modules if m.split(".")[0] in HEAVY]
    assert not loaded, loaded
    print("encoded without torch")
    """
)


def test_the_onnx_path_never_imports_torch(exported):
    env = {**os.environ, "PYTHONPATH": str(ROOT), ONNX_MINILM_ENV: str(exported)}
    run = subprocess.run(
        [sys.executable, "-c", NO_TORCH], env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "encoded without torch" in run.stdout


def test_the_exporter_fails_with_one_line(tmp_path):
    exporter = load_exporter()
    bad = tmp_path / "not-a-model"
    bad.mkdir()
    with pytest.raises(exporter.ExportError, match="modules.json is missing"):
        exporter.export(tmp_path / "out", model_dir=bad)

    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("x")
    for args, code in (([], 2), ([str(in_the_way / "out")], 1)):
        run = subprocess.run(
            [sys.executable, str(EXPORTER), *args],
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == code
        assert run.stderr.count("\n") == 1, run.stderr
        assert run.stderr.startswith(("usage:", "export_minilm_onnx: "))
