"""One way to apply named schema migrations, for every SQLite file Fireside keeps.

Each migration is a function of a ``sqlite3.Connection`` that runs plain statements (no
``executescript`` and no ``with conn:``, which would commit half-way). The runner takes the
write lock with ``BEGIN IMMEDIATE`` *before* checking whether a migration is still to do, so
two processes starting at once on a fresh or older file never run the same migration twice:
the second waits for the lock (the connection's busy timeout), then sees it recorded.
Each migration commits with its record in ``_migrations`` or not at all. A new release
appends to its list and never edits a migration that has shipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

Migration = tuple[str, Callable[[sqlite3.Connection], None]]


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run statements one by one inside the open transaction."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            conn.execute(statement)
            statement = ""


def apply_migrations(conn: sqlite3.Connection, migrations: Sequence[Migration]) -> list[str]:
    """Apply the migrations not yet recorded; returns the names applied by this call."""
    previous = conn.isolation_level
    if conn.in_transaction:
        conn.commit()
    conn.isolation_level = None  # explicit transactions only
    try:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT)"
        )
        done = {row[0] for row in conn.execute("SELECT name FROM _migrations")}
        applied = []
        for name, migrate in migrations:
            if name in done:
                continue
            conn.execute("BEGIN IMMEDIATE")  # another process may be migrating: wait, re-check
            try:
                if conn.execute("SELECT 1 FROM _migrations WHERE name = ?", [name]).fetchone():
                    conn.execute("COMMIT")
                    continue
                migrate(conn)
                conn.execute(
                    "INSERT INTO _migrations (name, applied_at) VALUES (?, ?)",
                    [name, datetime.now(UTC).isoformat(timespec="seconds")],
                )
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            applied.append(name)
        return applied
    finally:
        conn.isolation_level = previous
