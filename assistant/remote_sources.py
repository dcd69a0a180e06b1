"""Remote engines as model sources: the user's connections, their keys, their models.

A connection is a name, the server's base URL and how its key is found (none, an
environment variable named by the user, or stored: the app's secret store, as
``remote/<name>``, keeps it in the keyring or its private file). A remote
model's id is ``CONNECTION/MODEL``; everything that takes a model (``--model``, the picker,
the history) uses that id, and ``backend_for`` turns it into a ``RemoteBackend``.
"""

from __future__ import annotations

import dataclasses
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fireside.assistant.settings import RemoteConnection, Settings
from fireside.models.remote.backend import RemoteBackend
from fireside.models.remote.catalog import RemoteModel, chat_models
from fireside.models.remote.client import Endpoint, RemoteClient, normalize_base_url
from fireside.models.remote.errors import RemoteAuthError, RemoteError

from fireside.errors import NotFoundError
from fireside.secret_store import IN_KEYRING, SecretStore

Update = Callable[[Callable[[Settings], None]], object]  # applies a settings change
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
TOOL_MODES = ("native", "prompt")


class ConnectionSetupError(RemoteError):
    """A connection cannot be added or used as given (bad name, bad URL, missing key)."""


@dataclass
class ConnectionStatus:
    """What ``list`` shows: reachable or not, and the models it serves."""

    connection: RemoteConnection
    reachable: bool
    models: list[RemoteModel] = field(default_factory=list)
    error: str | None = None


class RemoteSources:
    """The connections in the settings, and the open backends of their models.

    ``update`` is how a change reaches the settings (the settings store's ``update``);
    ``add`` and ``remove`` take another for one call (the window's settings bridge).
    """

    def __init__(self, settings: Settings, keys: SecretStore, update: Update) -> None:
        self.settings = settings
        self.keys = keys
        self.update = update
        self._open: dict[tuple, RemoteBackend] = {}
        self._lock = threading.Lock()

    # -- connections ------------------------------------------------------------------------
    def connections(self) -> list[RemoteConnection]:
        return [dataclasses.replace(c) for c in self.settings.remote.connections]

    def get(self, name: str) -> RemoteConnection:
        for conn in self.connections():
            if conn.name == name:
                return conn
        known = ", ".join(c.name for c in self.connections()) or "none yet"
        raise NotFoundError(f"no remote connection named {name!r} (connections: {known})")

    def add(
        self,
        name: str,
        url: str,
        *,
        api_key: str | None = None,
        api_key_env: str | None = None,
        tools: str = "native",
        timeout_s: float = 120.0,
        update: Update | None = None,
    ) -> tuple[RemoteConnection, str | None]:
        """Add or replace a connection; return it and a warning for the user, if any.

        The key goes to the keyring, else the private file
        (the warning says so); with ``api_key_env`` only the variable's name is kept.
        """
        base_url = _checked(name, url)
        if tools not in TOOL_MODES:
            raise ConnectionSetupError(None, f"tools must be one of {', '.join(TOOL_MODES)}")
        if not timeout_s > 0:
            raise ConnectionSetupError(None, "the timeout must be a positive number of seconds")
        conn = RemoteConnection(name, base_url, tools=tools, timeout_s=timeout_s)
        warning = None
        self.keys.delete(secret_name(name))
        if api_key_env:
            if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", api_key_env):
                raise ConnectionSetupError(
                    None, f"{api_key_env!r} is not an environment variable name"
                )
            conn.key_source, conn.key_env = "env", api_key_env
            if not os.environ.get(api_key_env):
                warning = f"the environment variable {api_key_env} is not set now"
        elif api_key:
            where = self.keys.set(secret_name(name), api_key)
            conn.key_source = "keyring" if where == IN_KEYRING else "file"
            if where != IN_KEYRING:
                warning = (
                    f"no usable system keyring here: the key is stored in {where}, "
                    "readable only by you"
                )
        (update or self.update)(connection_added(conn))
        self._drop_open(name)
        return conn, warning

    def probe(
        self, name: str, url: str, *, api_key: str | None = None, api_key_env: str | None = None
    ) -> list[RemoteModel]:
        """The models at ``url`` with this key, without saving anything (a network call)."""
        key = os.environ.get(api_key_env) if api_key_env else api_key
        client = RemoteClient(Endpoint(name, _checked(name, url), key or None), retries=1)
        try:
            return chat_models(client)
        finally:
            client.close()

    def remove(self, name: str, update: Update | None = None) -> RemoteConnection:
        """Drop the connection, its key, its open backends, and the choices of its models."""
        conn = self.get(name)
        (update or self.update)(connection_removed(name))
        self.keys.delete(secret_name(name))
        self._drop_open(name)
        return conn

    def endpoint(self, conn: RemoteConnection) -> Endpoint:
        return Endpoint(conn.name, conn.base_url, self._key(conn), conn.timeout_s)

    def _key(self, conn: RemoteConnection) -> str | None:
        if conn.key_source == "none":
            return None
        if conn.key_source == "env":
            value = os.environ.get(conn.key_env or "")
            if not value:
                raise RemoteAuthError(
                    conn.base_url,
                    f"the API key of {conn.name} is read from the environment variable "
                    f"{conn.key_env}, which is not set",
                )
            return value
        # Stored: the secret store finds it wherever it is now ("keyring"/"file" only record
        # where it went when the connection was added).
        value = self.keys.get(secret_name(conn.name))
        if not value:
            where = self.keys.place()
            raise RemoteAuthError(
                conn.base_url,
                f"the API key of {conn.name} is missing from {where}; add the connection again "
                "with --api-key-stdin",
            )
        return value

    # -- models -----------------------------------------------------------------------------
    def split(self, model_id: str | None) -> tuple[RemoteConnection, str] | None:
        """``(connection, model)`` when ``model_id`` names a remote model, else None.

        A path to an existing file always wins, so a local folder named like a connection
        still works.
        """
        if not model_id or "/" not in model_id:
            return None
        name, _, model = model_id.partition("/")
        if not model:
            return None
        for conn in self.connections():
            if conn.name == name:
                if Path(model_id).expanduser().is_file():
                    return None
                return conn, model
        return None

    def is_remote(self, model_id: str | None) -> bool:
        return self.split(model_id) is not None

    def models(self, name: str) -> list[RemoteModel]:
        """The models the connection's server offers (a network call: not on the UI thread)."""
        conn = self.get(name)
        client = RemoteClient(self.endpoint(conn), retries=1)
        try:
            return chat_models(client)
        finally:
            client.close()

    def status(self, conn: RemoteConnection) -> ConnectionStatus:
        try:
            return ConnectionStatus(conn, True, self.models(conn.name))
        except RemoteError as exc:
            return ConnectionStatus(conn, False, error=str(exc))

    def backend_for(self, model_id: str | None, n_ctx: int | None = None) -> RemoteBackend | None:
        """The open backend for a remote id (connecting on first use); None for local ids."""
        found = self.split(model_id)
        if found is None:
            return None
        conn, model = found
        n_ctx = n_ctx or self.settings.model_settings(model_id).n_ctx
        key = (conn.name, model, n_ctx, conn.base_url, conn.tools)
        with self._lock:
            backend = self._open.get(key)
            if backend is None:
                backend = RemoteBackend.connect(
                    self.endpoint(conn), model, n_ctx=n_ctx, native_tools=conn.tools == "native"
                )
                self._open[key] = backend
            return backend

    def opened(self, model_id: str) -> RemoteBackend | None:
        """The backend already open for ``model_id``, without connecting (None if none)."""
        with self._lock:
            for key, backend in self._open.items():
                if f"{key[0]}/{key[1]}" == model_id:
                    return backend
        return None

    def _drop_open(self, name: str) -> None:
        with self._lock:
            for key in [k for k in self._open if k[0] == name]:
                self._open.pop(key).close()

    def close(self) -> None:
        with self._lock:
            for backend in self._open.values():
                backend.close()
            self._open.clear()


def secret_name(connection: str) -> str:
    """The name a connection's key has in the secret store."""
    return f"remote/{connection}"


def connection_added(conn: RemoteConnection) -> Callable[[Settings], None]:
    """The settings change that adds ``conn`` (or replaces the one of its name)."""

    def change(settings: Settings) -> None:
        rows = [c for c in settings.remote.connections if c.name != conn.name]
        settings.remote.connections = [*rows, dataclasses.replace(conn)]

    return change


def connection_removed(name: str) -> Callable[[Settings], None]:
    """The settings change that drops connection ``name`` and the choices of its models."""
    prefix = f"{name}/"

    def change(settings: Settings) -> None:
        settings.remote.connections = [c for c in settings.remote.connections if c.name != name]
        if settings.model.path and settings.model.path.startswith(prefix):
            settings.model.path = None  # back to the bundled model
        settings.model.recent = [m for m in settings.model.recent if not m.startswith(prefix)]

    return change


def _checked(name: str, url: str) -> str:
    """The normalised base URL; a one-line error for a bad name or URL."""
    if not NAME_RE.match(name):
        raise ConnectionSetupError(
            None,
            f"{name!r} is not a usable connection name: use letters, digits, '.', '_' or '-' "
            "(no '/'), at most 40 characters",
        )
    try:
        return normalize_base_url(url)
    except ValueError as exc:
        raise ConnectionSetupError(None, str(exc)) from None
