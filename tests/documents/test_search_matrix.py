"""The search matrix: read in one query, and ready when an indexing job ends."""

from __future__ import annotations

import shutil

import numpy as np
from fireside.assistant.documents import vector_index
from fireside.assistant.documents.jobs import IndexJob
from fireside.assistant.documents.retrieval import SearchOptions, search
from fireside.assistant.documents.store import DocumentStore
from fireside.models.embedder import HashEmbedder


def test_first_search_after_indexing_reads_no_vectors(tmp_path, data, monkeypatch):
    folder = tmp_path / "docs"
    folder.mkdir()
    for rel in ("text/debian-faq.en.txt", "markdown/pypdf-README.md"):
        shutil.copy(data / rel, folder)
    embedder = HashEmbedder(384)
    store = DocumentStore(tmp_path / "d.db", cache_dir=tmp_path / "cache")
    col = store.collection("docs", model=embedder.name)
    loads = []
    real = vector_index.load_matrix

    def counted(*args):
        loads.append(args[1:])
        return real(*args)

    monkeypatch.setattr(vector_index, "load_matrix", counted)
    IndexJob(store, col, [folder], embedder=embedder).run()
    assert len(loads) == 1  # loaded as the job ended
    hits = search(store, "How do I upgrade Debian?", collections="docs",
                  options=SearchOptions(mode="vector"), embedders={embedder.name: embedder})  # fmt: skip
    assert hits
    assert len(loads) == 1  # the search found it ready

    # the matrix read in one query is the vectors stored, row for row
    matrix = store.vectors.get(store, col.id, embedder.name)
    rows = store.conn.execute(
        "SELECT v.chunk_id, v.vector FROM vectors v ORDER BY v.chunk_id"
    ).fetchall()
    assert matrix.chunk_ids.tolist() == [r[0] for r in rows]
    want = np.stack([np.frombuffer(r[1], np.float32) for r in rows])
    assert np.array_equal(matrix.matrix, want)
    store.close()


def test_a_job_that_indexed_nothing_loads_nothing(tmp_path, data, monkeypatch):
    store = DocumentStore(tmp_path / "d.db", cache_dir=tmp_path / "cache")
    embedder = HashEmbedder(384)
    col = store.collection("empty", model=embedder.name)
    loads = []
    monkeypatch.setattr(vector_index, "load_matrix", lambda *a: loads.append(a))
    IndexJob(store, col, [tmp_path / "missing.txt"], embedder=embedder).run()
    assert loads == []
    matrix = vector_index.VectorCache()
    monkeypatch.undo()
    assert len(matrix.get(store, col.id, embedder.name)) == 0
    store.close()
