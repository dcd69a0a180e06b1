"""Where the API keys of remote connections live: the OS keyring, else a private file.

Never in the settings file (people share and back those up) and never in the history. The
keyring (macOS Keychain, Windows Credential Locker, Secret Service on Linux) is used when
one works; on a machine without one (a headless Linux box) the key goes to a file only the
user can read (mode 0600), and the caller is told so it can warn.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

SERVICE = "fireside-remote"
KEY_FILE = "api-keys.json"


class ApiKeyStore:
    """Save, read and forget the key of a connection by its name.

    ``keyring_module`` is the ``keyring`` package (or a stand-in with the same three
    functions); None means "find out": it is used when its active backend is a real one.
    """

    def __init__(self, config_dir: Path, keyring_module=None, use_keyring: bool | None = None):
        self.path = Path(config_dir) / KEY_FILE
        self._keyring = keyring_module
        self._use_keyring = use_keyring

    # -- keyring ----------------------------------------------------------------------------
    def _kr(self):
        if self._use_keyring is False:
            return None
        if self._keyring is None:
            try:
                import keyring
            except ImportError:
                self._use_keyring = False
                return None
            self._keyring = keyring
        if self._use_keyring is None:
            self._use_keyring = _usable(self._keyring)
        return self._keyring if self._use_keyring else None

    @property
    def keyring_available(self) -> bool:
        return self._kr() is not None

    # -- public -----------------------------------------------------------------------------
    def save(self, name: str, key: str) -> str:
        """Store the key; return where: ``"keyring"`` or ``"file"``."""
        kr = self._kr()
        if kr is not None:
            try:
                kr.set_password(SERVICE, name, key)
                self._file_forget(name)
                return "keyring"
            except Exception:  # noqa: BLE001 - a locked or broken keyring: use the file
                self._use_keyring = False
        keys = self._file_read()
        keys[name] = key
        self._file_write(keys)
        return "file"

    def load(self, name: str, where: str) -> str | None:
        if where == "keyring":
            kr = self._kr()
            if kr is None:
                return None
            try:
                return kr.get_password(SERVICE, name)
            except Exception:  # noqa: BLE001 - reported by the caller as a missing key
                return None
        if where == "file":
            return self._file_read().get(name)
        return None

    def forget(self, name: str) -> None:
        kr = self._kr()
        if kr is not None:
            with contextlib.suppress(Exception):  # nothing stored there
                kr.delete_password(SERVICE, name)
        self._file_forget(name)

    # -- the private file -------------------------------------------------------------------
    def _file_read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return (
            {k: v for k, v in data.items() if isinstance(v, str)} if isinstance(data, dict) else {}
        )

    def _file_write(self, keys: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".keys-", suffix=".tmp")
        try:
            os.chmod(tmp, 0o600)  # before a byte of the key is written
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(keys, fh, indent=1)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        os.chmod(self.path, 0o600)

    def _file_forget(self, name: str) -> None:
        keys = self._file_read()
        if name in keys:
            del keys[name]
            self._file_write(keys)


def _usable(keyring_module) -> bool:
    """False for keyring's stand-ins that store nothing (``fail``, ``null``, no backend)."""
    try:
        backend = keyring_module.get_keyring()
        priority = backend.priority
    except Exception:  # noqa: BLE001 - no backend at all
        return False
    module = type(backend).__module__
    if module.endswith((".fail", ".null")):
        return False
    return priority > 0
