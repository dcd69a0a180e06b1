"""The one owner of ``settings.json`` in a process: changes are merged, never lost, and heard.

Several processes use the file at once (the window, ``fireside`` commands, ``fireside
serve``). Writing a whole in-memory copy back would undo whatever another process wrote
since it was read, so a change is a function instead: ``update(change)`` takes a lock file,
reads the file as it is now, applies the change to that, writes it with
``fireside.atomic_write`` and adopts the result. Two processes that each add a remote
connection therefore both keep theirs. ``sync()`` brings in what other processes wrote;
listeners hear the ``section.field`` keys that changed, whoever changed them.

Values given for one run only (``fireside serve --model``) are overrides: they sit over the
settings in memory, survive a ``sync``, and are never written.

A field of the wrong type falls back to its default with a warning naming the file and the
field (logged once per process; the command line prints it, see ``cli/main.py``). A file
that is not JSON, or not a JSON object, is moved aside to a timestamped copy, never over an
earlier one, and Fireside starts with defaults.
"""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from fireside.assistant.settings import Settings, section_keys
from fireside.assistant.settings_fields import BadValue, check

from fireside.atomic_write import write_atomic
from fireside.errors import FiresideError

log = logging.getLogger(__name__)

Change = Callable[[Settings], object]  # edits the settings it is given; its result is ignored
Listener = Callable[[frozenset[str]], None]
LOCK_TIMEOUT_S = 30.0


class SettingsError(FiresideError):
    """A settings change that cannot be made (a bad value, an unwritable file)."""


class SettingsStore:
    """The live ``Settings`` of this process (``settings``, the same object for its life)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.problems: list[str] = []  # every line reported, in order
        self._reported: set[str] = set()
        # ``_io`` keeps this process's file work in order (it may wait on the disk); ``_state``
        # guards the objects in memory only, so a UI thread taking it never waits on the disk.
        self._io = threading.RLock()
        self._state = threading.RLock()
        self._lock = None  # the FileLock, made on first write
        self._listeners: list[Listener] = []
        self._overrides: dict[str, Any] = {}
        self._stamp: tuple | None = None  # the file as last adopted or written here
        self._base, self._stamp = self._read()  # what the file says (no overrides)
        self.settings = Settings()
        self._install()

    # -- reading ---------------------------------------------------------------------------------
    def read(self) -> Settings:
        """The settings in the file now (defaults where it has none); adopts nothing."""
        return self._read()[0]

    def read_if_changed(self) -> Settings | None:
        """``read()``, or None when the file is the one last seen here; the caller adopts it."""
        with self._io:
            if self._file_stamp() == self._stamp:
                return None
            settings, stamp = self._read()
            with self._state:
                self._stamp = stamp
            return settings

    def sync(self) -> frozenset[str]:
        """Adopt what other processes wrote since; returns the keys that changed."""
        fresh = self.read_if_changed()
        return self.adopt(fresh) if fresh is not None else frozenset()

    def _read(self) -> tuple[Settings, tuple | None]:
        """The settings in the file and the file's stamp, read together."""
        with self._io:
            text, stamp = self._read_text()
            data = self._parse(text)
            if data is _BROKEN:  # checked again under the lock: another process may be writing
                with self._file_lock():
                    text, stamp = self._read_text()
                    data = self._parse(text)
                    if data is _BROKEN:
                        self._move_aside(text)
                        stamp, data = None, None
            return self._settings_from(data), stamp

    # -- changing --------------------------------------------------------------------------------
    def update(self, change: Change) -> frozenset[str]:
        """Apply ``change`` to the file as it is now, write it, adopt it; the keys changed."""
        return self.adopt(self.persist(change))

    def set(self, key: str, value: Any) -> frozenset[str]:
        """``update`` one ``section.field`` (``SettingsError`` for a bad key or value)."""
        return self.update(setting(key, value))

    def persist(self, change: Change) -> Settings:
        """Under the lock: read the file, apply ``change``, write it; returns what was written.

        Adopts nothing (the window adopts on its UI thread). ``SettingsError`` when the
        change leaves a field with a value its type does not allow; nothing is written then.
        """
        with self._io, self._file_lock():
            settings = self.read()
            change(settings)
            data = validated(settings)
            text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
            try:
                write_atomic(self.path, text)
            except OSError as exc:
                raise SettingsError(f"{self.path}: cannot write the settings ({exc})") from None
            with self._state:
                self._stamp = self._file_stamp()
            return settings

    def edited(self, change: Change) -> Settings:
        """A copy of the settings as last adopted (no overrides), with ``change`` applied."""
        with self._state:
            settings = copy.deepcopy(self._base)
        change(settings)
        validated(settings)
        return settings

    def adopt(self, settings: Settings) -> frozenset[str]:
        """Make ``settings`` (plus overrides) the live ones; listeners hear what changed."""
        with self._state:
            before = flatten(self.settings)
            self._base = copy.deepcopy(settings)
            self._install()
            changed = frozenset(k for k, v in flatten(self.settings).items() if before[k] != v)
        if changed:
            self._notify(changed)
        return changed

    def override(self, key: str, value: Any) -> None:
        """Use ``value`` for ``key`` in this process only: never written, kept over syncs."""
        value = checked(key, value)
        with self._state:
            self._overrides[key] = value
            base = self._base
        self.adopt(base)

    # -- listening -------------------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(keys)`` after every change adopted here; returns the unsubscribe."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _notify(self, changed: frozenset[str]) -> None:
        for listener in list(self._listeners):
            try:
                listener(changed)
            except Exception:  # noqa: BLE001 - one listener's bug must not stop the others
                log.exception("a settings listener failed")

    # -- inside ----------------------------------------------------------------------------------
    def _install(self) -> None:
        """Copy the sections of ``_base`` into the live object, then lay the overrides over."""
        fresh = copy.deepcopy(self._base)
        for key, value in self._overrides.items():
            section, name = key.split(".", 1)
            setattr(getattr(fresh, section), name, copy.deepcopy(value))
        for name in type(fresh).__dataclass_fields__:
            setattr(self.settings, name, getattr(fresh, name))

    @contextlib.contextmanager
    def _file_lock(self):
        """The lock file, held across processes (re-entrant within ``_io``)."""
        from filelock import FileLock, Timeout

        if self._lock is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._lock = FileLock(str(self.lock_path), timeout=LOCK_TIMEOUT_S, thread_local=False)
        lock = self._lock
        try:
            lock.acquire()
        except Timeout:
            raise SettingsError(
                f"{self.path}: another Fireside has held the settings lock ({self.lock_path}) "
                f"for {LOCK_TIMEOUT_S:.0f} s"
            ) from None
        try:
            yield
        finally:
            lock.release()

    def _file_stamp(self) -> tuple | None:
        try:
            st = self.path.stat()
        except OSError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def _read_text(self) -> tuple[str | None, tuple | None]:
        """The file's text (None when there is none) and its stamp, read together."""
        try:
            with self.path.open("rb") as fh:
                st = os.fstat(fh.fileno())
                raw = fh.read()
        except FileNotFoundError:
            return None, None
        except OSError as exc:
            self._report(f"{self.path}: cannot read the settings ({exc}); defaults are used")
            return None, None
        stamp = (st.st_ino, st.st_size, st.st_mtime_ns)
        try:
            return raw.decode("utf-8"), stamp
        except UnicodeDecodeError:
            return _NOT_TEXT, stamp

    def _parse(self, text: str | None) -> Any:
        if text is None:
            return None
        if text is _NOT_TEXT:
            return _BROKEN
        try:
            data = json.loads(text)
        except ValueError:
            return _BROKEN
        return data if isinstance(data, dict) else _BROKEN

    def _settings_from(self, data: Any) -> Settings:
        if data is None:
            return Settings()
        settings, problems = Settings.from_dict(data, str(self.path))
        for line in problems:
            self._report(line)
        return settings

    def _move_aside(self, text: str | None) -> None:
        """Keep an unusable file for the user to look at, under a name no copy has yet."""
        what = "not text (not UTF-8)" if text is _NOT_TEXT else _what_json(text)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for n in range(1000):
            target = self.path.with_name(
                f"{self.path.name}.broken-{stamp}" + (f"-{n}" if n else "")
            )
            try:
                _rename_no_replace(self.path, target)
            except FileExistsError:
                continue
            except FileNotFoundError:
                return
            except OSError as exc:
                self._report(
                    f"{self.path}: {what}; cannot move it aside ({exc}); defaults are used"
                )
                return
            self._report(f"{self.path}: {what}; moved aside to {target.name}; defaults are used")
            return

    def _report(self, line: str) -> None:
        with self._state:
            if line in self._reported:
                return
            self._reported.add(line)
            self.problems.append(line)
        log.warning("%s", line)


_BROKEN = object()  # a file that is not a JSON object
_NOT_TEXT: Any = object()  # a file whose bytes are not UTF-8 text


def checked(key: str, value: Any) -> Any:
    """``value`` as the ``section.field`` ``key`` holds it; ``SettingsError`` if it cannot."""
    annotation = section_keys().get(key)
    if annotation is None:
        raise SettingsError(f"no setting named {key!r} (see: fireside settings list)")
    try:
        return check(annotation, value, key)
    except BadValue as exc:
        raise SettingsError(str(exc)) from None


def setting(key: str, value: Any) -> Change:
    """The change that sets one ``section.field`` (checked now: ``SettingsError``)."""
    value = checked(key, value)
    section, name = key.split(".", 1)

    def change(settings: Settings) -> None:
        setattr(getattr(settings, section), name, copy.deepcopy(value))

    return change


def validated(settings: Settings) -> dict:
    """``settings`` as JSON data; ``SettingsError`` naming the first field a change broke."""
    data = settings.to_dict()
    _checked, problems = Settings.from_dict(data, "settings")
    if problems:
        raise SettingsError(problems[0].removeprefix("settings: "))
    return data


def flatten(settings: Settings) -> dict[str, Any]:
    """``section.field`` -> plain value, for comparing two versions."""
    flat = {}
    for section, values in asdict(settings).items():
        for name, value in values.items():
            flat[f"{section}.{name}"] = value
    return flat


def affects(keys: frozenset[str] | set[str], *prefixes: str) -> bool:
    """Whether any changed key is one of, or inside, ``prefixes`` (``"remote"``, ``"model.path"``)."""
    return any(k == p or k.startswith(p + ".") for k in keys for p in prefixes)


def _what_json(text: str | None) -> str:
    try:
        data = json.loads(text or "")
    except ValueError as exc:
        return f"not valid JSON ({exc})"
    return f"not a JSON object (found {type(data).__name__ if data is not None else 'null'})"


def _rename_no_replace(src: Path, dst: Path) -> None:
    """Rename ``src`` to ``dst``; ``FileExistsError`` rather than replacing an existing ``dst``."""
    try:
        os.link(src, dst)  # fails if dst exists, atomically
    except FileExistsError:
        raise
    except OSError:
        if dst.exists():  # no hard links here (some file systems): a careful rename
            raise FileExistsError(dst) from None
        os.rename(src, dst)
        return
    os.unlink(src)
