"""Switching the embedding model without a search gap, and watched folders."""

from __future__ import annotations

import shutil
import time

import pytest
from fireside.assistant.documents.indexer import Cancelled, JobControl
from fireside.assistant.documents.reembed import reembed
from fireside.assistant.documents.retrieval import SearchOptions, search
from fireside.assistant.documents.watcher import FolderWatcher, watch_folder, watched_folders
from fireside.models.embedder import HashEmbedder

from tests.documents.helpers import CountingEmbedder, index

VEC = SearchOptions(mode="vector")


def test_reembed_switches_model_only_when_complete(store, data):
    index(store, [data / "csv" / "debian.csv", data / "html" / "kernel.en.html"])
    col = store.collection("docs")
    n = col.chunks
    new = CountingEmbedder(HashEmbedder(256))
    control = JobControl()

    def stop_after_first(done: int, total: int) -> None:
        control.cancel()

    with pytest.raises(Cancelled):
        reembed(
            store,
            "docs",
            "hash-256",
            embedder=new,
            control=control,
            batch_size=2,
            on_progress=stop_after_first,
        )
    col = store.collection("docs")
    assert (col.model, col.pending_model) == ("hash-384", "hash-256")
    assert 0 < store.missing_vectors(col.id, "hash-256") < n
    # searches keep working on the old model meanwhile
    assert search(
        store, "kernel", collections="docs", options=VEC, embedders={"hash-384": HashEmbedder(384)}
    )

    embedded = reembed(store, "docs", "hash-256", embedder=new, batch_size=2)
    assert embedded == n - 2 and new.texts == n  # resumed: nothing embedded twice
    col = store.collection("docs")
    assert (col.model, col.pending_model) == ("hash-256", None)
    models = {r[0] for r in store.conn.execute("SELECT DISTINCT model FROM vectors")}
    assert models == {"hash-256"}
    hits = search(
        store, "kernel", collections="docs", options=VEC, embedders={"hash-256": HashEmbedder(256)}
    )
    assert hits and hits[0].similarity is not None


def test_watcher_indexes_new_changed_and_removed_files(store, data, tmp_path):
    folder = tmp_path / "watched"
    folder.mkdir()
    shutil.copy(data / "csv" / "debian.csv", folder / "a.csv")
    watch_folder(store, "w", folder)
    store.conn.execute("UPDATE collections SET model = 'hash-384' WHERE name = 'w'")
    assert watched_folders(store) == [("w", str(folder.resolve()))]
    removed = []
    watcher = FolderWatcher(
        store, embedders={"hash-384": HashEmbedder(384)}, on_removed=removed.append
    )

    assert watcher.poll() == []  # first sight: wait until the file is stable
    first = watcher.poll()
    assert [r.status for r in first] == ["indexed"]
    assert watcher.poll() == []  # nothing changed

    (folder / "b.md").write_text("# New\n\nA note about penguins.\n")
    with (folder / "a.csv").open("a") as fh:
        fh.write("42,Answer,answer,2040-01-01,2041-01-01,2042-01-01\n")
    watcher.poll()
    results = {r.path.rsplit("/", 1)[-1]: r.status for r in watcher.poll()}
    assert results == {"a.csv": "indexed", "b.md": "indexed"}
    assert search(store, "penguins", collections="w", options=SearchOptions(mode="bm25"))

    (folder / "b.md").unlink()
    watcher.poll()
    assert removed == [str((folder / "b.md").resolve())]
    assert [d.name for d in store.documents(status="complete")] == ["a.csv"]


def test_watcher_thread_starts_and_stops(store, tmp_path):
    folder = tmp_path / "w"
    folder.mkdir()
    watch_folder(store, "w", folder)
    watcher = FolderWatcher(store, interval_s=0.05)
    watcher.start()
    time.sleep(0.2)
    watcher.stop()
    assert not watcher._thread.is_alive()


def test_cli_watch_once_indexes_the_folder(tmp_path, data, capsys):
    from fireside.cli.main import main

    folder = tmp_path / "w"
    folder.mkdir()
    shutil.copy(data / "csv" / "debian.csv", folder)
    code = main(
        [
            "docs",
            "watch",
            str(folder),
            "-C",
            "w",
            "--embedding-model",
            "hash-384",
            "--once",
            "--interval",
            "0",
        ]
    )
    assert code == 0
    err = capsys.readouterr().err
    assert "watching" in err and "indexed:" in err and "debian.csv" in err
