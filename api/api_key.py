"""The local API's key: generated once, kept with Fireside's other secrets, replaceable.

The key lives in the app's one ``SecretStore`` (the system keyring where one is usable,
else a file only the user can read). ``FIRESIDE_API_KEY`` overrides it, for scripts and
tests, and is never written anywhere.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

from fireside.secret_store import SecretStore

ENV_KEY = "FIRESIDE_API_KEY"
SECRET_NAME = "api-key"


@dataclass
class ApiKey:
    value: str
    where: str  # for the user: the environment variable, "the system keyring", or a file path


def new_key() -> str:
    return "fs-" + secrets.token_urlsafe(32)


class ApiKeys:
    """The key in force, and a way to replace it, over the app's secret store."""

    def __init__(self, store: SecretStore) -> None:
        self.store = store

    def get(self) -> ApiKey:
        """The key in force, created on first use."""
        env = os.environ.get(ENV_KEY, "").strip()
        if env:
            return ApiKey(env, f"the {ENV_KEY} environment variable")
        found = self.store.find(SECRET_NAME)
        if found:
            return ApiKey(found.value, found.where)
        return self.rotate()

    def rotate(self) -> ApiKey:
        """A new key; the old one stops working at once."""
        value = new_key()
        return ApiKey(value, self.store.set(SECRET_NAME, value))
