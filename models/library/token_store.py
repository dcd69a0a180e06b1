"""The hub access token for gated repositories: in the OS keyring, else a private file.

Without a stored token, ``HF_TOKEN`` from the environment is used, as other hub tools do.

A token is a password: the keyring keeps it out of plain files where one is usable (a
desktop session); on a headless machine it goes to a file only its owner can read (0600).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

SERVICE = "Fireside"
USERNAME = "huggingface-token"
FILE_NAME = "hub-token"


def _keyring():
    """The keyring module when it has a real backend here, else None."""
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 0) <= 0:
            return None
        if type(backend).__module__.startswith("keyring.backends.null"):
            return None
        return keyring
    except Exception:  # a broken keyring must never stop the app
        return None


class TokenStore:
    def __init__(self, config_dir: Path) -> None:
        self.file = Path(config_dir) / FILE_NAME

    def get(self) -> str | None:
        kr = _keyring()
        if kr is not None:
            try:
                value = kr.get_password(SERVICE, USERNAME)
                if value:
                    return value
            except Exception:
                pass
        try:
            value = self.file.read_text(encoding="utf-8").strip()
        except OSError:
            value = ""
        return value or os.environ.get("HF_TOKEN") or None

    def set(self, token: str) -> str:
        """Store ``token``; returns where it went ("keyring" or the file's path)."""
        token = token.strip()
        kr = _keyring()
        if kr is not None:
            try:
                kr.set_password(SERVICE, USERNAME, token)
                self.file.unlink(missing_ok=True)
                return "keyring"
            except Exception:
                pass
        self.file.parent.mkdir(parents=True, exist_ok=True)
        # written whole under another name, then renamed: a reader never sees half a token
        tmp = self.file.with_name(self.file.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(token)
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.file)
        return str(self.file)

    def clear(self) -> None:
        kr = _keyring()
        if kr is not None:
            with contextlib.suppress(Exception):
                kr.delete_password(SERVICE, USERNAME)
        self.file.unlink(missing_ok=True)
