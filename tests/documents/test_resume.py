"""Kill an indexing process with SIGKILL, run it again: it resumes, nothing lost or doubled."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fireside.assistant.documents.indexer import IndexOptions
from fireside.assistant.documents.store import DocumentStore

from tests.documents.helpers import index

# A slowed-down hashing embedder, so the process can be killed part-way at a known point.
SCRIPT = """
import sys, time
from fireside.assistant.documents.indexer import IndexOptions
from fireside.assistant.documents.jobs import IndexJob
from fireside.assistant.documents.store import DocumentStore
from fireside.models.embedder import HashEmbedder

class Slow(HashEmbedder):
    embedded = 0
    def encode(self, texts, batch_size=32):
        time.sleep(float(sys.argv[3]) * len(texts))
        Slow.embedded += len(texts)
        return super().encode(texts)

store = DocumentStore(sys.argv[1])
col = store.collection("c", model="hash-384")
job = IndexJob(store, col, [sys.argv[2]], embedder=Slow(384),
               options=IndexOptions(batch_size=4))
result = job.run()
print("EMBEDDED", Slow.embedded, flush=True)
"""


@pytest.fixture
def corpus(tmp_path, data) -> Path:
    d = tmp_path / "corpus"
    d.mkdir()
    shutil.copy(data / "csv" / "debian.csv", d / "a_debian.csv")
    shutil.copy(data / "html" / "kernel.en.html", d / "b_kernel.html")
    shutil.copy(data / "text" / "debian-faq.en.txt", d / "c_faq.txt")  # ~250 chunks
    shutil.copy(data / "html" / "basic-defs.en.html", d / "d_basic.html")
    return d


def start(db: Path, folder: Path, delay: float) -> subprocess.Popen:
    """Index ``folder`` into ``db`` in a new process, ``delay`` seconds per embedded chunk."""
    return subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(db), str(folder), str(delay)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(db: Path, sql: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read()
        try:
            conn = sqlite3.connect(db, timeout=5)
            value = conn.execute(sql).fetchone()
            conn.close()
            if value and value[0]:
                return
        except sqlite3.OperationalError:
            pass  # the schema is not created yet
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for: {sql}")


def snapshot(db: Path) -> dict:
    """path -> list of (ordinal, text) for the complete documents, plus integrity counts."""
    store = DocumentStore(db)
    conn = store.conn
    docs = {}
    for d in store.documents():
        rows = conn.execute(
            "SELECT ordinal, text FROM chunks WHERE document_id = ? ORDER BY ordinal", [d.id]
        ).fetchall()
        docs[Path(d.path).name] = (d.status, rows)
    counts = {
        "chunks": conn.execute("SELECT count(*) FROM chunks").fetchone()[0],
        "vectors": conn.execute("SELECT count(*) FROM vectors").fetchone()[0],
        "fts": conn.execute("SELECT count(*) FROM chunks_words").fetchone()[0],
        "chunks_without_vector": conn.execute(
            "SELECT count(*) FROM chunks WHERE id NOT IN (SELECT chunk_id FROM vectors)"
        ).fetchone()[0],
    }
    store.close()
    return {"docs": docs, "counts": counts}


def test_sigkill_mid_document_then_resume(tmp_path, corpus):
    db = tmp_path / "killed.db"
    proc = start(db, corpus, delay=0.03)
    # two small files done and the big one part-way through
    wait_for(
        db,
        "SELECT chunks_done >= 40 FROM documents WHERE path LIKE '%c_faq.txt' "
        "AND status = 'indexing'",
        proc,
    )
    proc.kill()
    proc.wait()

    partial = snapshot(db)
    assert partial["docs"]["a_debian.csv"][0] == "complete"
    assert partial["docs"]["b_kernel.html"][0] == "complete"
    status, rows = partial["docs"]["c_faq.txt"]
    assert status == "indexing" and len(rows) >= 40
    assert [o for o, _ in rows] == list(range(len(rows)))  # committed prefix, no gaps
    assert "d_basic.html" not in partial["docs"]
    committed = partial["counts"]["chunks"]

    proc = start(db, corpus, delay=0.0)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    embedded_again = int(out.split("EMBEDDED")[1])

    ref_db = tmp_path / "reference.db"
    ref_store = DocumentStore(ref_db)
    index(ref_store, [corpus], collection="c", options=IndexOptions(batch_size=4))
    ref_store.close()
    got, want = snapshot(db), snapshot(ref_db)

    assert got["docs"] == want["docs"]  # same chunks, same order, nothing missing or doubled
    assert {s for s, _ in got["docs"].values()} == {"complete"}
    assert got["counts"] == want["counts"]
    assert got["counts"]["chunks_without_vector"] == 0
    assert got["counts"]["vectors"] == got["counts"]["chunks"] == got["counts"]["fts"]
    # only the chunks not committed before the kill were embedded the second time
    assert embedded_again == want["counts"]["chunks"] - committed
