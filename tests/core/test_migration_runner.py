"""The one migration runner: both databases use it, and processes that open a fresh file at
the same moment neither fail nor run a migration twice."""

from __future__ import annotations

import multiprocessing
import sqlite3

import pytest
from fireside.assistant.migration_runner import apply_migrations


def _open_both(folder: str, barrier) -> str:
    from fireside.assistant.documents.store import DocumentStore
    from fireside.assistant.history import HistoryStore

    barrier.wait()
    history = HistoryStore(f"{folder}/history.db")
    documents = DocumentStore(f"{folder}/documents.db")
    history.close()
    documents.close()
    return "ok"


def test_processes_starting_at_once_migrate_each_file_once(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    n = 4
    with ctx.Manager() as manager:
        barrier = manager.Barrier(n)
        with ctx.Pool(n) as pool:
            results = pool.starmap(_open_both, [(str(tmp_path), barrier)] * n)
    assert results == ["ok"] * n
    for name in ("history.db", "documents.db"):
        conn = sqlite3.connect(tmp_path / name)
        names = [r[0] for r in conn.execute("SELECT name FROM _migrations")]
        assert names and len(names) == len(set(names))
        conn.close()


def test_a_failing_migration_leaves_nothing_half_done(tmp_path):
    conn = sqlite3.connect(tmp_path / "x.db")

    def good(c):
        c.execute("CREATE TABLE a (x)")

    def bad(c):
        c.execute("CREATE TABLE b (x)")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        apply_migrations(conn, [("001", good), ("002", bad)])
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "a" in tables and "b" not in tables
    assert [r[0] for r in conn.execute("SELECT name FROM _migrations")] == ["001"]

    def fixed(c):
        c.execute("CREATE TABLE b (x)")

    assert apply_migrations(conn, [("001", good), ("002", fixed)]) == ["002"]
    conn.close()


def test_history_schema_is_what_earlier_releases_wrote(tmp_path):
    """Files from releases whose migrations ran through sqlite-utils match new ones."""
    import sqlite_utils
    from fireside.assistant.migrations import MIGRATIONS

    old = sqlite_utils.Database(tmp_path / "old.db")
    old["conversations"].create(
        {
            "id": int,
            "title": str,
            "created_at": str,
            "updated_at": str,
            "model": str,
            "system_prompt": str,
            "current_leaf_id": int,
        },
        pk="id",
    )
    new = sqlite3.connect(tmp_path / "new.db")
    apply_migrations(new, MIGRATIONS)
    cols = [r[1] for r in new.execute("PRAGMA table_info(conversations)")]
    old_cols = [r[1] for r in old.conn.execute("PRAGMA table_info(conversations)")]
    assert cols == [*old_cols, "collections", "uid", "assistant"]
    new.execute("INSERT INTO messages (content) VALUES ('penguins on ice')")
    hit = new.execute("SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'penguins'")
    assert hit.fetchone() == (1,)
