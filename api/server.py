"""Run the API with uvicorn on a background thread, and stop it cleanly.

The socket is bound here, before uvicorn starts, so "port in use" or "address not
available" is one clear error at start rather than a log line from a thread; port 0 picks
a free port (tests). Stopping sets uvicorn's ``should_exit`` and waits for the thread.
"""

from __future__ import annotations

import copy
import ipaddress
import logging
import socket
import threading
import time

from fireside.api.app import create_app
from fireside.api.services import ApiConfig, ApiServices, ApiStats

from fireside.errors import FiresideError

START_TIMEOUT_S = 15.0


class ServerError(FiresideError):
    """The server could not start (address in use, not available...)."""


class HideQuery(logging.Filter):
    """The access log shows paths without their query string: a client that puts its key
    there (``?api_key=...``) must not find it in a terminal or a log file."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            path, sep, _ = args[2].partition("?")
            if sep:
                record.args = (args[0], args[1], f"{path}?…", *args[3:])
        return True


def _log_config() -> dict:
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["hide_query"] = {"()": HideQuery}
    config["handlers"]["access"]["filters"] = ["hide_query"]
    return config


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ApiServer:
    def __init__(self, services: ApiServices, config: ApiConfig, *, access_log: bool = False):
        self.services = services
        self.config = config
        self.stats = ApiStats()
        self.access_log = access_log
        self._server = None
        self.app = None  # the ASGI application once started
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self.port: int | None = None

    @property
    def url(self) -> str:
        host = self.config.host
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else ("[::1]" if host == "::" else host)
        if ":" in shown and not shown.startswith("["):
            shown = f"[{shown}]"
        return f"http://{shown}:{self.port}/v1"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _bind(self) -> socket.socket:
        host, port = self.config.host, self.config.port
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        # IPPROTO_TCP named, not left 0: asyncio turns Nagle's algorithm off only on sockets
        # that say they are TCP, and with it on every response's body waited for the
        # client's delayed ACK (about 40 ms a request on a kept-alive connection)
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            sock.close()
            reason = "is already in use" if exc.errno in (98, 48, 10048) else f"({exc.strerror})"
            raise ServerError(f"cannot listen on {host}:{port}: the address {reason}") from None
        sock.listen(128)
        sock.set_inheritable(True)
        return sock

    def start(self) -> None:
        """Bind and start serving; returns once the server accepts requests."""
        import uvicorn

        sock = self._bind()
        self.port = sock.getsockname()[1]
        app = self.app = create_app(self.services, self.config, self.stats)
        config = uvicorn.Config(
            app,
            log_level="info" if self.access_log else "warning",
            access_log=self.access_log,
            log_config=_log_config(),
            timeout_graceful_shutdown=3,
            lifespan="on",
        )
        self._server = uvicorn.Server(config)

        def run() -> None:
            try:
                self._server.run(sockets=[sock])
            except BaseException as exc:  # noqa: BLE001 - SystemExit from uvicorn included
                self._error = exc
            finally:
                sock.close()

        self._thread = threading.Thread(target=run, name="fireside-api-server", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise ServerError(f"the API server did not start ({self._error or 'timeout'})")
            time.sleep(0.02)

    def wait(self) -> None:
        """Block until the server stops (Ctrl-C arrives as KeyboardInterrupt here)."""
        while self.running:
            self._thread.join(0.5)

    def stop(self, timeout_s: float = 10.0) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout_s)
        self._thread = None
