"""Fireside's secrets (API keys, access tokens) in one place: the system keyring, else a file.

Never in the settings file (people share and back those up) and never in the history. The
keyring (macOS Keychain, Windows Credential Locker, Secret Service on Linux) is used when a
real one works; on a machine without one (a headless Linux box), or in a portable install
that keeps everything in its own folder, secrets go to one JSON file only the user can read
(0600) in the config folder. That file is changed under a lock, re-read first, and replaced
whole, so two Fireside processes storing different secrets at once both keep theirs.

A keyring that fails (locked, broken) is never the user's problem: the reason is logged and
the file is used instead. Secrets kept where earlier releases kept them (their own keyring
entries and files) are still found, and moved here the next time they are written.

Names are short paths: ``remote/<connection>``, ``api-key``, ``hub-token``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from filelock import FileLock, Timeout

from fireside.atomic_write import write_atomic
from fireside.errors import FiresideError

log = logging.getLogger(__name__)

SERVICE = "Fireside"  # the keyring's service name; the secret's name is the user name
FILE_NAME = "secrets.json"
IN_KEYRING = "the system keyring"  # what ``set`` and ``find`` say for the keyring
LOCK_TIMEOUT_S = 30.0


class SecretStoreError(FiresideError):
    """The secrets file cannot be written (a full or read-only disk, a stuck lock)."""


class Keyring(Protocol):
    """The three functions of the ``keyring`` package that the store uses."""

    def get_password(self, service: str, username: str) -> str | None: ...

    def set_password(self, service: str, username: str, password: str) -> None: ...

    def delete_password(self, service: str, username: str) -> None: ...


@dataclass(frozen=True)
class Secret:
    value: str
    where: str  # for the user: IN_KEYRING or a file's path


def system_keyring() -> Keyring | None:
    """The ``keyring`` package when its backend really stores secrets here, else None.

    Its stand-ins that store nothing (``fail``, ``null``, a chainer with nothing to chain)
    and backends that rank themselves unusable (priority <= 0) do not count.
    """
    try:
        import keyring
        from keyring.backends import chainer, fail, null

        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring | null.Keyring):
            return None
        if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
            return None
        if not backend.priority > 0:
            return None
    except Exception as exc:  # noqa: BLE001 - a broken keyring setup must not stop the app
        log.info("no usable system keyring: %s", exc)
        return None
    return keyring


class SecretStore:
    """Read, store and forget secrets by name.

    ``keyring`` is a keyring to use (the ``keyring`` package or a stand-in); without one the
    system keyring is looked for on first use. ``use_keyring=False`` keeps every secret in
    the file (a portable install).
    """

    def __init__(
        self, folder: Path, keyring: Keyring | None = None, *, use_keyring: bool = True
    ) -> None:
        self.folder = Path(folder)
        self.file = self.folder / FILE_NAME
        self._keyring = keyring
        self._use_keyring = use_keyring
        self._looked_up = keyring is not None
        self._look_lock = threading.Lock()

    # -- the keyring ----------------------------------------------------------------------------
    def _ring(self) -> Keyring | None:
        if not self._use_keyring:
            return None
        if not self._looked_up:
            with self._look_lock:
                if not self._looked_up:
                    self._keyring = system_keyring()
                    self._looked_up = True
        return self._keyring if self._use_keyring else None

    def _keyring_failed(self, doing: str, exc: Exception) -> None:
        """From now on this process keeps secrets in the file; the reason goes to the log."""
        log.warning(
            "the system keyring failed to %s (%s: %s); secrets are kept in %s instead",
            doing,
            type(exc).__name__,
            exc,
            self.file,
        )
        self._use_keyring = False

    @property
    def keyring_available(self) -> bool:
        return self._ring() is not None

    def place(self) -> str:
        """Where a secret stored now would go, for the user."""
        return IN_KEYRING if self.keyring_available else str(self.file)

    # -- reading --------------------------------------------------------------------------------
    def find(self, name: str) -> Secret | None:
        """The secret and where it is kept; None when it is stored nowhere."""
        # The file first: a secret lands there only when the keyring failed, so an entry
        # there is newer than whatever the keyring holds under the same name.
        value = _read_json(self.file).get(name)
        if value:
            return Secret(value, str(self.file))
        ring = self._ring()
        if ring is not None:
            try:
                value = ring.get_password(SERVICE, name)
            except Exception as exc:  # noqa: BLE001 - locked or broken: as if absent
                self._keyring_failed("read a secret", exc)
            else:
                if value:
                    return Secret(value, IN_KEYRING)
        return self._find_earlier(name)

    def get(self, name: str) -> str | None:
        found = self.find(name)
        return found.value if found else None

    def where(self, name: str) -> str | None:
        found = self.find(name)
        return found.where if found else None

    # -- writing --------------------------------------------------------------------------------
    def set(self, name: str, value: str) -> str:
        """Store ``value`` under ``name``; return where it went, for the user."""
        ring = self._ring()
        if ring is not None:
            try:
                ring.set_password(SERVICE, name, value)
            except Exception as exc:  # noqa: BLE001 - locked or broken: use the file
                self._keyring_failed("store a secret", exc)
            else:
                self._forget_in_files(name)
                self._forget_earlier_in_keyring(name)
                return IN_KEYRING
        with self._locked():
            self._edit_file(name, value)
            self._forget_earlier_files(name)
        self._forget_earlier_in_keyring(name)
        return str(self.file)

    def delete(self, name: str) -> None:
        """Forget ``name`` everywhere it may be kept (nothing happens if it is nowhere)."""
        ring = self._ring()
        if ring is not None:
            with contextlib.suppress(Exception):  # nothing stored there, or a locked keyring
                ring.delete_password(SERVICE, name)
        self._forget_in_files(name)
        self._forget_earlier_in_keyring(name)

    # -- the file -------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self):
        """Hold the file's lock (one writer at a time, across processes and threads)."""
        lock = FileLock(self.file.with_name(FILE_NAME + ".lock"), timeout=LOCK_TIMEOUT_S)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with lock:
                yield
        except Timeout:
            raise SecretStoreError(f"{self.file} is locked by another program; try again") from None
        except OSError as exc:
            raise SecretStoreError(f"cannot write {self.file}: {exc.strerror or exc}") from None

    def _edit_file(self, name: str, value: str | None) -> None:
        """Set (or with None remove) one secret in the file, re-read first.

        Called under the lock, so what another process wrote meanwhile is kept.
        """
        secrets = _read_json(self.file, keep_broken=True)
        if secrets.get(name) == value:
            return
        if value is None:
            del secrets[name]
        else:
            secrets[name] = value
        write_atomic(self.file, json.dumps(secrets, indent=1, sort_keys=True) + "\n")

    def _forget_in_files(self, name: str) -> None:
        earlier = _earlier(name)
        if not self.file.exists() and not (earlier and (self.folder / earlier.file).exists()):
            return  # nothing to remove: not even the lock file is made
        with self._locked():
            self._edit_file(name, None)
            self._forget_earlier_files(name)

    # -- where earlier releases kept secrets ----------------------------------------------------
    def _find_earlier(self, name: str) -> Secret | None:
        earlier = _earlier(name)
        if earlier is None:
            return None
        ring = self._ring()
        if ring is not None:
            try:
                value = ring.get_password(earlier.service, earlier.username)
            except Exception as exc:  # noqa: BLE001
                self._keyring_failed("read a secret", exc)
            else:
                if value:
                    return Secret(value, IN_KEYRING)
        path = self.folder / earlier.file
        if earlier.entry is None:
            try:
                value = path.read_text(encoding="utf-8").strip()
            except OSError:
                value = ""
        else:
            value = _read_json(path).get(earlier.entry, "")
        return Secret(value, str(path)) if value else None

    def _forget_earlier_in_keyring(self, name: str) -> None:
        earlier = _earlier(name)
        ring = self._ring()
        if earlier is not None and ring is not None:
            with contextlib.suppress(Exception):  # usually: nothing stored there
                ring.delete_password(earlier.service, earlier.username)

    def _forget_earlier_files(self, name: str) -> None:
        """Under the lock: remove ``name`` from the file an earlier release kept it in."""
        earlier = _earlier(name)
        if earlier is None:
            return
        path = self.folder / earlier.file
        if earlier.entry is None:
            path.unlink(missing_ok=True)
            return
        secrets = _read_json(path)
        if earlier.entry not in secrets:
            return
        del secrets[earlier.entry]
        if secrets:
            write_atomic(path, json.dumps(secrets, indent=1))
        else:
            path.unlink(missing_ok=True)


@dataclass(frozen=True)
class _Earlier:
    """Where a release before the one secret store kept a secret."""

    service: str  # its keyring entry
    username: str
    file: str  # its file in the config folder
    entry: str | None  # its key in that JSON file; None: the whole file is the secret


def _earlier(name: str) -> _Earlier | None:
    if name.startswith("remote/"):  # remote connections' keys: one JSON file for all
        connection = name.removeprefix("remote/")
        return _Earlier("fireside-remote", connection, "api-keys.json", connection)
    if name == "api-key":  # the local API server's key
        return _Earlier("Fireside", "local-api-key", "api-key", None)
    if name == "hub-token":  # the model library's hub access token
        return _Earlier("Fireside", "huggingface-token", "hub-token", None)
    return None


def _read_json(path: Path, *, keep_broken: bool = False) -> dict[str, str]:
    """The secrets in a JSON file; {} when it is missing or damaged.

    ``keep_broken`` (before the file is replaced): a damaged file is renamed aside
    (``.broken``), so whatever it still holds can be recovered by hand, and one that cannot
    be read at all is an error rather than something to overwrite.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except OSError:
        if keep_broken:
            raise
        return {}
    except ValueError as exc:
        data, damage = None, exc
    else:
        damage = None if isinstance(data, dict) else "not a JSON object"
    if damage is not None:
        if keep_broken:
            broken = path.with_name(path.name + ".broken")
            path.replace(broken)
            log.warning("%s was unreadable (%s); kept as %s", path, damage, broken)
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}
