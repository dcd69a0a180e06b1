"""A local stand-in for the Hugging Face hub, on 127.0.0.1 and a random port.

It answers the endpoints the real ``huggingface_hub`` client and our downloader use:
``HEAD/GET /{repo}/resolve/{rev}/{file}`` (``X-Repo-Commit``, ``ETag``, ``X-Linked-Etag``,
``X-Linked-Size``, ranged GETs answered with 206), ``GET /api/models/{repo}`` (with
``?blobs=true`` sizes and LFS hashes) and ``GET /api/models?search=``. Files are served
from disk (the real bundled GGUF). Faults for tests: drop the connection after N bytes,
advertise a wrong hash, ignore ranges, require a token.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

COMMIT = "0123456789abcdef0123456789abcdef01234567"


@dataclass
class HubFile:
    path: Path
    sha256: str = ""
    advertised_sha256: str | None = None  # a wrong hash to announce, for mismatch tests

    def __post_init__(self) -> None:
        if not self.sha256:
            h = hashlib.sha256()
            with self.path.open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 22), b""):
                    h.update(block)
            self.sha256 = h.hexdigest()

    @property
    def size(self) -> int:
        return self.path.stat().st_size


@dataclass
class HubState:
    repos: dict[str, dict[str, HubFile]] = field(default_factory=dict)
    gated: dict[str, str] = field(default_factory=dict)  # repo -> the token it needs
    drop_after: int | None = None  # close the next GET's connection after this many bytes
    ignore_range: bool = False
    throttle_bps: int | None = None  # pace GET bodies (window tests)
    bytes_sent: int = 0
    requests: list[tuple[str, str, str | None]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, repo: str, name: str, path: Path, **kw) -> HubFile:
        f = HubFile(Path(path), **kw)
        self.repos.setdefault(repo, {})[name] = f
        return f


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: HubState
    alive: threading.Event

    def log_message(self, *args) -> None:  # quiet
        pass

    # -- routing ---------------------------------------------------------------------------
    def do_HEAD(self) -> None:
        self._route(head=True)

    def do_GET(self) -> None:
        self._route(head=False)

    def _route(self, head: bool) -> None:
        url = urlparse(self.path)
        path = unquote(url.path)
        with self.state.lock:
            self.state.requests.append((self.command, path, self.headers.get("Range")))
        try:
            if path == "/api/models":
                return self._search(parse_qs(url.query))
            if path.startswith("/api/models/"):
                return self._model_info(path.removeprefix("/api/models/"))
            if "/resolve/" in path:
                repo, rest = path.lstrip("/").split("/resolve/", 1)
                _rev, name = rest.split("/", 1)
                return self._file(repo, name, head)
            self._json(404, {"error": "not found"})
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _allowed(self, repo: str) -> bool:
        need = self.state.gated.get(repo)
        return need is None or self.headers.get("Authorization") == f"Bearer {need}"

    def _json(self, status: int, body, headers: dict | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _error(self, status: int, code: str, message: str) -> None:
        self._json(status, {"error": message}, {"X-Error-Code": code, "X-Error-Message": message})

    # -- API ---------------------------------------------------------------------------------
    def _search(self, query: dict) -> None:
        words = (query.get("search") or [""])[0].lower()
        found = [
            {
                "id": repo,
                "modelId": repo,
                "downloads": 1000 - i,
                "likes": 3,
                "tags": ["gguf"],
                "gated": repo in self.state.gated,
            }
            for i, repo in enumerate(sorted(self.state.repos))
            if words in repo.lower()
        ]
        self._json(200, found)

    def _model_info(self, rest: str) -> None:
        repo = rest.split("/revision/")[0].split("/tree/")[0]
        files = self.state.repos.get(repo)
        if files is None:
            return self._error(404, "RepoNotFound", "Repository not found")
        if not self._allowed(repo):
            return self._error(401, "GatedRepo", "Access to this repository is restricted")
        siblings = [
            {
                "rfilename": name,
                "size": f.size,
                "blobId": f.sha256[:40],
                "lfs": {"sha256": f.sha256, "size": f.size, "pointerSize": 134},
            }
            for name, f in sorted(files.items())
        ]
        self._json(
            200,
            {
                "id": repo,
                "modelId": repo,
                "sha": COMMIT,
                "private": False,
                "tags": ["gguf"],
                "siblings": siblings,
            },
        )

    # -- files -------------------------------------------------------------------------------
    def _file(self, repo: str, name: str, head: bool) -> None:
        files = self.state.repos.get(repo)
        if files is None:
            return self._error(404, "RepoNotFound", "Repository not found")
        if not self._allowed(repo):
            return self._error(401, "GatedRepo", "Access to this repository is restricted")
        f = files.get(name)
        if f is None:
            return self._error(404, "EntryNotFound", "Entry not found")
        size, sha = f.size, f.advertised_sha256 or f.sha256
        start = 0
        rng = self.headers.get("Range")
        partial = bool(rng) and not self.state.ignore_range and not head
        if partial:
            start = int(rng.split("=")[1].split("-")[0])
            if start >= size:
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        self.send_response(206 if partial else 200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("X-Repo-Commit", COMMIT)
        self.send_header("ETag", f'"{sha}"')
        self.send_header("X-Linked-Etag", f'"{sha}"')
        self.send_header("X-Linked-Size", str(size))
        self.send_header("Content-Length", str(size - start))
        if partial:
            self.send_header("Content-Range", f"bytes {start}-{size - 1}/{size}")
        self.end_headers()
        if head:
            return
        self._body(f.path, start, size)

    def _body(self, path: Path, start: int, size: int) -> None:
        import time

        with self.state.lock:
            limit, self.state.drop_after = self.state.drop_after, None
        sent = 0
        t0 = time.monotonic()
        with path.open("rb") as fh:
            fh.seek(start)
            while start + sent < size:
                block = fh.read(1 << 18)
                if not self.alive.is_set():
                    limit = sent
                if limit is not None and sent + len(block) >= limit:
                    self.wfile.write(block[: limit - sent])
                    self.wfile.flush()
                    with self.state.lock:
                        self.state.bytes_sent += limit - sent
                    self.close_connection = True
                    self.connection.shutdown(2)  # cut in the middle, like a lost network
                    return
                self.wfile.write(block)
                sent += len(block)
                with self.state.lock:
                    self.state.bytes_sent += len(block)
                if self.state.throttle_bps:
                    ahead = sent / self.state.throttle_bps - (time.monotonic() - t0)
                    if ahead > 0:
                        time.sleep(ahead)


class FakeHub:
    """``with FakeHub() as hub:`` -> ``hub.endpoint``, ``hub.state``; ``stop()`` any time."""

    def __init__(self, state: HubState | None = None, port: int = 0) -> None:
        """Pass the ``state`` and ``port`` of a stopped hub to bring "the same server" back."""
        self.state = state or HubState()
        self.alive = threading.Event()
        self.alive.set()
        handler = type("Handler", (_Handler,), {"state": self.state, "alive": self.alive})
        self.server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> FakeHub:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening and cut the transfers in progress, as a server going away does."""
        self.alive.clear()
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> FakeHub:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main() -> None:
    """``python -m tests.hub_server REPO FILE PATH``: serve one file until stdin closes.

    Prints the endpoint on the first line; used where the server must not share the
    measured process (the window's stall benchmark).
    """
    import sys

    repo, name, path = sys.argv[1:4]
    with FakeHub() as hub:
        hub.state.add(repo, name, Path(path))
        print(hub.endpoint, flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    main()
