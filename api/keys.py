"""The API key: generated once, kept like other secrets, replaceable at will.

Stored in the operating system's keyring when one is usable; otherwise (no keyring, or a
portable install where ``FIRESIDE_HOME`` keeps everything in one folder) in a file only the
user can read, in the config folder. ``FIRESIDE_API_KEY`` overrides both, for scripts and
tests, and is never written anywhere.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from fireside.assistant.settings import HOME_ENV, Paths

ENV_KEY = "FIRESIDE_API_KEY"
KEYRING_SERVICE = "Fireside"
KEYRING_USER = "local-api-key"
KEY_FILE = "api-key"


@dataclass
class ApiKey:
    value: str
    where: str  # for the user: "FIRESIDE_API_KEY", "the system keyring", or a file path


def new_key() -> str:
    return "fs-" + secrets.token_urlsafe(32)


class KeyStore:
    def __init__(self, paths: Paths, *, use_keyring: bool | None = None) -> None:
        self.paths = paths
        if use_keyring is None:
            use_keyring = not os.environ.get(HOME_ENV) and _keyring_usable()
        self.use_keyring = use_keyring

    @property
    def file(self) -> Path:
        return self.paths.config_dir / KEY_FILE

    def get(self) -> ApiKey:
        """The key in force, created on first use."""
        env = os.environ.get(ENV_KEY, "").strip()
        if env:
            return ApiKey(env, f"the {ENV_KEY} environment variable")
        stored = self._read()
        if stored:
            return stored
        return self.rotate()

    def rotate(self) -> ApiKey:
        """A new key; the old one stops working at once."""
        value = new_key()
        if self.use_keyring:
            try:
                import keyring

                keyring.set_password(KEYRING_SERVICE, KEYRING_USER, value)
                return ApiKey(value, "the system keyring")
            except Exception:  # noqa: BLE001 - a locked or broken keyring: use the file
                self.use_keyring = False
        self.paths.config_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(value + "\n")
        os.chmod(self.file, 0o600)
        return ApiKey(value, str(self.file))

    def _read(self) -> ApiKey | None:
        if self.use_keyring:
            try:
                import keyring

                value = keyring.get_password(KEYRING_SERVICE, KEYRING_USER)
                if value:
                    return ApiKey(value, "the system keyring")
            except Exception:  # noqa: BLE001
                self.use_keyring = False
        try:
            value = self.file.read_text(encoding="utf-8").strip()
        except OSError:
            return None
        return ApiKey(value, str(self.file)) if value else None


def _keyring_usable() -> bool:
    try:
        import keyring
        from keyring.backends import chainer, fail

        backend = keyring.get_keyring()
    except Exception:  # noqa: BLE001
        return False
    if isinstance(backend, fail.Keyring):
        return False
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return False
    return getattr(backend, "priority", 0) > 0
