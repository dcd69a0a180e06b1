"""Where assistants are kept: a table in the history database, beside the chats that use them.

Why SQLite and not settings.json: the window and a command may change assistants at the
same time. Each change is one transaction that takes the write lock first (``BEGIN
IMMEDIATE``), reads the row, applies only the fields being changed and writes it back, so
two processes never lose each other's change. Built-in assistants live in the code; editing
one stores the edited copy under the same name (removing that copy brings the original
back), so a new release can improve the built-ins a user never touched.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime

from fireside.assistant.assistants import Assistant, check_name
from fireside.assistant.builtin_assistants import BUILTIN_ASSISTANTS
from fireside.assistant.history import HistoryStore

from fireside.errors import FiresideError, NotFoundError


class AssistantStore:
    def __init__(self, history: HistoryStore | Callable[[], HistoryStore]) -> None:
        # the history, or what opens it: the engine holds this store, and the local API
        # builds the engine without opening a history its requests do not use
        self._history = history
        self._builtins = {a.name.lower(): a for a in BUILTIN_ASSISTANTS}

    @property
    def history(self) -> HistoryStore:
        return self._history() if callable(self._history) else self._history

    # -- reading ------------------------------------------------------------------------------
    def _stored(self, name: str) -> Assistant | None:
        row = next(
            self.history.db.query("SELECT name, data FROM assistants WHERE name = ?", [name]),
            None,
        )
        return self._from_row(row) if row else None

    def _from_row(self, row) -> Assistant:
        data = json.loads(row["data"])
        assistant = Assistant.from_dict(data, f"stored assistant {row['name']!r}")
        return replace(assistant, builtin=assistant.name.lower() in self._builtins)

    def list(self) -> list[Assistant]:
        """Built-in ones first (as edited, if they were), then the user's, by name."""
        stored = {
            r["name"].lower(): self._from_row(r)
            for r in self.history.db.query("SELECT name, data FROM assistants")
        }
        builtins = [stored.pop(key, a) for key, a in self._builtins.items()]
        return builtins + sorted(stored.values(), key=lambda a: a.name.lower())

    def names(self) -> list[str]:
        return [a.name for a in self.list()]

    def get(self, name: str) -> Assistant:
        found = self._stored(name) or self._builtins.get(name.lower())
        if found is None:
            raise NotFoundError(
                f"no assistant named {name!r} (assistants: {', '.join(self.names())})"
            )
        return found

    def exists(self, name: str) -> bool:
        return self._stored(name) is not None or name.lower() in self._builtins

    # -- changing -----------------------------------------------------------------------------
    @contextmanager
    def _write(self):
        """One write transaction holding the lock from the start (read, then write)."""
        conn = self.history.db.conn
        if conn.in_transaction:
            conn.commit()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.rollback()
            raise
        conn.commit()

    def _put(self, conn, assistant: Assistant) -> None:
        conn.execute(
            "INSERT OR REPLACE INTO assistants (name, data, updated_at) VALUES (?, ?, ?)",
            [
                assistant.name,
                json.dumps(assistant.to_dict(), ensure_ascii=False),
                datetime.now(UTC).isoformat(timespec="seconds"),
            ],
        )

    def add(self, assistant: Assistant, replace_existing: bool = False) -> Assistant:
        """A new assistant; an existing name is refused unless ``replace_existing``."""
        check_name(assistant.name)
        with self._write() as conn:
            taken = conn.execute(
                "SELECT 1 FROM assistants WHERE name = ?", [assistant.name]
            ).fetchone() or (assistant.name.lower() in self._builtins)
            if taken and not replace_existing:
                raise FiresideError(
                    f"an assistant named {assistant.name!r} already exists (edit it, or "
                    "choose another name)"
                )
            self._put(conn, replace(assistant, builtin=False))
        return self.get(assistant.name)

    def edit(self, name: str, /, **changes) -> Assistant:
        """Change only the given fields, over the assistant as it is now (in any process)."""
        unknown = set(changes) - set(Assistant.__dataclass_fields__) | ({"builtin"} & set(changes))
        if unknown:
            raise FiresideError(f"an assistant has no setting {sorted(unknown)[0]!r}")
        with self._write():
            current = self.get(name)
            data = {**current.to_dict(), **changes}
            new_name = data["name"]
            updated = Assistant.from_dict(data, f"assistant {name!r}")
            conn = self.history.db.conn
            if new_name.lower() != current.name.lower():
                if self.exists(new_name):
                    raise FiresideError(f"an assistant named {new_name!r} already exists")
                if current.builtin:
                    raise FiresideError(
                        f"{current.name!r} is built in and keeps its name; duplicate it instead"
                    )
            conn.execute("DELETE FROM assistants WHERE name = ?", [current.name])
            self._put(conn, updated)
        return self.get(updated.name)

    def duplicate(self, name: str, new_name: str) -> Assistant:
        source = self.get(name)
        copy = replace(source, name=check_name(new_name), builtin=False)
        if source.builtin:
            copy.localized = {}  # the copy's title is the user's to write
            copy.title = copy.title if copy.title != source.title else ""
        return self.add(copy)

    def remove(self, name: str) -> bool:
        """Delete a user's assistant, or a built-in one's edits. True when an edited
        built-in assistant went back to its original."""
        with self._write() as conn:
            gone = conn.execute("DELETE FROM assistants WHERE name = ?", [name]).rowcount
        builtin = name.lower() in self._builtins
        if not gone and builtin:
            raise FiresideError(f"{name!r} is built in and cannot be removed")
        if not gone:
            raise NotFoundError(f"no assistant named {name!r}")
        return builtin
