"""The store and the indexer: unchanged files cost nothing, changed files re-index alone."""

from __future__ import annotations

import os
import shutil
import sqlite3

import pytest
from fireside.assistant.documents.indexer import Indexer
from fireside.assistant.documents.jobs import IndexJob
from fireside.assistant.documents.store import DocumentStore

from tests.documents.helpers import index


@pytest.fixture
def folder(tmp_path, data):
    d = tmp_path / "docs"
    d.mkdir()
    for rel in [
        "csv/debian.csv",
        "html/kernel.en.html",
        "markdown/pypdf-README.md",
        "code/pagerange.py",
    ]:
        shutil.copy(data / rel, d / rel.split("/")[1])
    return d


def chunk_count(store: DocumentStore) -> int:
    return store.conn.execute("SELECT count(*) FROM chunks").fetchone()[0]


def test_schema_migrations_are_named_and_idempotent(tmp_path):
    s1 = DocumentStore(tmp_path / "d.db")
    names = [r[0] for r in s1.conn.execute("SELECT name FROM _migrations")]
    assert names == ["001_initial", "002_words", "003_ocr"]
    assert s1.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    s1.close()
    s2 = DocumentStore(tmp_path / "d.db")
    assert [r[0] for r in s2.conn.execute("SELECT name FROM _migrations")] == names
    s2.close()


def test_collection_records_model(store):
    col = store.collection("papers", model="hash-384")
    assert col.model == "hash-384"
    assert store.collection("papers").model == "hash-384"  # existing: unchanged
    # the default: multilingual where its wheel exists
    from fireside.models.embedder_registry import EmbedderRegistry

    assert store.collection("other").model == EmbedderRegistry().default_name()


def test_index_folder_stores_chunks_vectors_and_fts(store, folder, hasher):
    result = index(store, [folder], embedder=hasher)
    assert [f.status for f in result.files] == ["indexed"] * 4
    n = chunk_count(store)
    assert n == sum(f.chunks for f in result.files) == hasher.texts
    assert store.conn.execute("SELECT count(*) FROM vectors").fetchone()[0] == n
    fts = store.conn.execute(
        "SELECT count(*) FROM chunks_words WHERE chunks_words MATCH 'bookworm'"
    ).fetchone()[0]
    assert fts >= 1
    doc = store.documents(status="complete")[0]
    assert doc.sha256 and doc.size and doc.mtime_ns and doc.chunker


def test_readding_unchanged_files_costs_nothing(store, folder, hasher):
    index(store, [folder], embedder=hasher)
    before = hasher.texts
    again = index(store, [folder], embedder=hasher)
    assert {f.status for f in again.files} == {"unchanged"}
    assert hasher.texts == before
    # a touched but identical file is recognised by its hash, still no embedding
    os.utime(folder / "debian.csv", ns=(1, 1))
    touched = index(store, [folder], embedder=hasher)
    assert {f.status for f in touched.files} == {"unchanged"}
    assert hasher.texts == before
    assert (
        store.documents_at(store.collection("docs").id, str(folder / "debian.csv"))[0].mtime_ns == 1
    )


def test_changed_file_reindexes_only_that_file(store, folder, hasher):
    index(store, [folder], embedder=hasher)
    csv_chunks = store.documents_at(store.collection("docs").id, str(folder / "debian.csv"))
    before = hasher.texts
    with (folder / "debian.csv").open("a") as fh:
        fh.write("99,Imaginary,imaginary,2031-01-01,2033-01-01,2036-01-01\n")
    result = index(store, [folder], embedder=hasher)
    statuses = {f.path.rsplit("/", 1)[-1]: f.status for f in result.files}
    assert statuses == {
        "debian.csv": "indexed",
        "kernel.en.html": "unchanged",
        "pypdf-README.md": "unchanged",
        "pagerange.py": "unchanged",
    }
    new = [f for f in result.files if f.status == "indexed"][0]
    assert hasher.texts - before == new.chunks
    rows = store.documents_at(store.collection("docs").id, str(folder / "debian.csv"))
    assert len(rows) == 1 and rows[0].id != csv_chunks[0].id  # old version replaced
    assert "Imaginary" in " ".join(r["text"] for r in store.chunks_of(rows[0].id))


def test_old_version_stays_searchable_until_new_one_is_complete(store, folder, hasher):
    index(store, [folder / "kernel.en.html"], embedder=hasher)
    col = store.collection("docs")
    old = store.documents_at(col.id, str(folder / "kernel.en.html"))[0]
    (folder / "kernel.en.html").write_text(
        "<html><body>"
        + "".join(f"<p>Paragraph {i} about kernels. " + "x " * 300 + "</p>" for i in range(10))
        + "</body></html>"
    )
    hasher.fail_after = hasher.texts + 2  # dies after the first batch of the new version
    indexer = Indexer(store, col, embedder=hasher)
    indexer.options.batch_size = 2
    with pytest.raises(RuntimeError):
        indexer.index_many([folder / "kernel.en.html"])[0]
    rows = store.documents_at(col.id, str(folder / "kernel.en.html"))
    assert {r.status for r in rows} == {"complete", "indexing"}
    assert next(r for r in rows if r.status == "complete").id == old.id
    hasher.fail_after = None
    result = indexer.index_many([folder / "kernel.en.html"])[0]  # resumes the partial one
    assert result.status == "indexed"
    rows = store.documents_at(col.id, str(folder / "kernel.en.html"))
    assert len(rows) == 1 and rows[0].status == "complete" and rows[0].n_chunks == 10


def test_remove_document_cascades(store, folder):
    index(store, [folder])
    doc = store.documents(status="complete")[0]
    store.remove_document(doc.id)
    left = store.conn.execute(
        "SELECT count(*) FROM chunks WHERE document_id = ?", [doc.id]
    ).fetchone()[0]
    assert left == 0
    orphans = store.conn.execute(
        "SELECT count(*) FROM vectors WHERE chunk_id NOT IN (SELECT id FROM chunks)"
    ).fetchone()[0]
    assert orphans == 0
    hits = store.conn.execute("SELECT count(*) FROM chunks_words").fetchone()[0]
    assert hits == chunk_count(store)


def test_job_progress_pause_and_cancel(store, folder, hasher):
    col = store.collection("docs", model=hasher.name)
    seen = []
    job = IndexJob(
        store,
        col,
        [folder],
        embedder=hasher,
        on_progress=lambda p: seen.append((p.state, p.files_done, p.files_total, p.eta_s)),
    )
    job.pause()
    job.start()
    assert not job.wait(0.3)  # paused: nothing finishes
    assert job.progress.files_done == 0
    job.cancel()
    assert job.wait(5)
    assert job.result.cancelled
    job2 = IndexJob(
        store,
        col,
        [folder],
        embedder=hasher,
        on_progress=lambda p: seen.append((p.state, p.files_done, p.files_total, p.eta_s)),
    )
    result = job2.run()
    assert not result.cancelled and len(result.indexed) == 4
    assert seen[-1][:3] == ("done", 4, 4)


def test_store_is_usable_from_threads(store, folder):
    import threading

    index(store, [folder])
    errors = []

    def read():
        try:
            assert store.collections()[0].documents == 4
        except (AssertionError, sqlite3.Error) as exc:
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
