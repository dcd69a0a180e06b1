"""Fetch one file into a kept ``.part`` file, resumable after a pause, a drop or a kill.

``hf_hub_download`` writes to a process-unique temporary file, so a download killed at 45%
starts again from zero. Here the partial file keeps a fixed name (``NAME.gguf.part``) with a
small sidecar (``NAME.gguf.part.json``: URL, etag, expected size and SHA-256). A later run
resumes with a ranged GET only when the sidecar still matches what the hub publishes and
the server answers ``206``; anything else starts the file again. The SHA-256 is checked at
the end, and a mismatch deletes the file and says so.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx
from fireside.models.library.errors import (
    ChecksumError,
    DiskSpaceError,
    DownloadError,
    HubAccessError,
    LibraryError,
)
from fireside.models.library.hub import RemoteFile

from fireside.atomic_write import write_atomic
from fireside.errors import NotFoundError

CHUNK_BYTES = 1 << 20
DISK_MARGIN_BYTES = 32 * 1024 * 1024
PART_SUFFIX = ".part"
SIDECAR_SUFFIX = ".part.json"
PROGRESS_INTERVAL_S = 0.1

DONE, PAUSED, CANCELLED = "done", "paused", "cancelled"


def part_path(dest: Path) -> Path:
    return dest.with_name(dest.name + PART_SUFFIX)


def sidecar_path(dest: Path) -> Path:
    return dest.with_name(dest.name + SIDECAR_SUFFIX)


@dataclass
class Sidecar:
    """What the partial file is a part of; a resume needs all of it unchanged."""

    url: str
    repo: str
    filename: str
    revision: str
    etag: str | None
    size: int | None
    sha256: str | None
    commit: str | None = None
    model_id: str | None = None  # the catalog id, when it came from the catalog

    @classmethod
    def read(cls, path: Path) -> Sidecar | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(**{k: data.get(k) for k in cls.__dataclass_fields__})
        except (OSError, ValueError, TypeError):
            return None

    def write(self, path: Path) -> None:
        # not a secret: readable like the partial file beside it
        write_atomic(path, json.dumps(asdict(self), indent=1), mode=0o644)

    def same_file(self, other: Sidecar) -> bool:
        return (self.url, self.etag, self.size) == (other.url, other.etag, other.size)


@dataclass(frozen=True)
class Progress:
    filename: str
    done: int
    total: int | None
    speed_bps: float
    eta_s: float | None


@dataclass(frozen=True)
class FileResult:
    status: str  # DONE, PAUSED or CANCELLED
    path: Path
    fetched: int  # bytes received from the network in this run
    resumed_from: int  # bytes that were already on disk when this run started


class StopFlag:
    """Set from any thread to pause (keep the partial file) or cancel (delete it)."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.reason: str | None = None

    def pause(self) -> None:
        self.reason = self.reason or PAUSED
        self._event.set()

    def cancel(self) -> None:
        self.reason = CANCELLED
        self._event.set()

    def is_set(self) -> bool:
        return self._event.is_set()

    def wait(self, seconds: float) -> bool:
        return self._event.wait(seconds)


class _SpeedMeter:
    """Speed over the last few seconds, so the estimate follows the connection as it is now."""

    def __init__(self, window_s: float = 3.0) -> None:
        self.window_s = window_s
        self.samples: deque[tuple[float, int]] = deque()

    def add(self, now: float, done: int) -> float:
        self.samples.append((now, done))
        while len(self.samples) > 2 and now - self.samples[0][0] > self.window_s:
            self.samples.popleft()
        t0, d0 = self.samples[0]
        return (done - d0) / (now - t0) if now > t0 else 0.0


class _Retry(Exception):
    """A failure worth another try (a dropped connection, a 5xx, a 429)."""


def disk_free(folder: Path) -> int:
    return shutil.disk_usage(folder).free


def check_disk_space(folder: Path, needed: int, free: Callable[[Path], int] = disk_free) -> None:
    have = free(folder)
    if needed + DISK_MARGIN_BYTES > have:
        raise DiskSpaceError(
            f"not enough disk space in {folder}: the download needs {needed / 1e9:.2f} GB "
            f"more, {have / 1e9:.2f} GB is free; free some space or choose another models "
            "folder in Settings"
        )


class FileDownloader:
    """Downloads one ``RemoteFile`` to ``dest``; see the module docstring for the rules.

    ``on_progress`` is called at most every ``PROGRESS_INTERVAL_S`` (and once at the end)
    from the downloading thread.
    """

    def __init__(
        self,
        remote: RemoteFile,
        dest: Path,
        *,
        headers: dict[str, str] | None = None,
        expected_sha256: str | None = None,
        expected_size: int | None = None,
        model_id: str | None = None,
        stop: StopFlag | None = None,
        on_progress: Callable[[Progress], None] | None = None,
        retries: int = 5,
        backoff_s: tuple[float, float] = (2.0, 60.0),
        free_space: Callable[[Path], int] = disk_free,
        timeout_s: float = 30.0,
        check_space: bool = True,
    ) -> None:
        self.remote, self.dest = remote, Path(dest)
        self.headers = dict(headers or {})
        self.sha256 = (expected_sha256 or remote.sha256 or "").lower() or None
        self.size = expected_size if expected_size is not None else remote.size
        self.model_id = model_id
        self.stop = stop or StopFlag()
        self.on_progress = on_progress
        self.retries, self.backoff_s = retries, backoff_s
        self.free_space, self.timeout_s, self.check_space = free_space, timeout_s, check_space
        self.part, self.sidecar = part_path(self.dest), sidecar_path(self.dest)

    # -- the whole run ------------------------------------------------------------------
    def run(self) -> FileResult:
        self.dest.parent.mkdir(parents=True, exist_ok=True)
        if self.dest.exists() and self.size is not None and self.dest.stat().st_size == self.size:
            return FileResult(DONE, self.dest, 0, self.size)
        offset = self._prepare_part()
        if self.check_space and self.size is not None:
            check_disk_space(self.dest.parent, self.size - offset, self.free_space)
        hasher = _hash_file(self.part, offset)
        fetched = self._transfer(offset, hasher)
        if self.stop.is_set():
            if self.stop.reason == CANCELLED:
                self.discard()
                return FileResult(CANCELLED, self.dest, fetched, offset)
            return FileResult(PAUSED, self.dest, fetched, offset)
        self._verify(hasher)
        os.replace(self.part, self.dest)
        self.sidecar.unlink(missing_ok=True)
        return FileResult(DONE, self.dest, fetched, offset)

    def discard(self) -> None:
        self.part.unlink(missing_ok=True)
        self.sidecar.unlink(missing_ok=True)

    def _prepare_part(self) -> int:
        """Keep the partial file only when it belongs to the very file the hub serves now."""
        wanted = Sidecar(
            self.remote.url,
            self.remote.repo,
            self.remote.filename,
            self.remote.revision,
            self.remote.etag,
            self.size,
            self.sha256,
            self.remote.commit,
            self.model_id,
        )
        old = Sidecar.read(self.sidecar)
        if self.part.exists() and old is not None and old.same_file(wanted):
            offset = self.part.stat().st_size
            if self.size is None or offset <= self.size:
                return offset
        self.part.unlink(missing_ok=True)
        wanted.write(self.sidecar)
        self.part.touch()
        return 0

    # -- bytes ----------------------------------------------------------------------------
    def _transfer(self, offset: int, hasher) -> int:
        fetched, attempt = 0, 0
        meter = _SpeedMeter()
        last_report = 0.0
        done = offset
        with httpx.Client(follow_redirects=True, timeout=self.timeout_s) as client:
            while not self.stop.is_set() and (self.size is None or done < self.size):
                headers = {**self.headers, "Accept-Encoding": "identity"}
                if done:
                    headers["Range"] = f"bytes={done}-"
                try:
                    with client.stream("GET", self.remote.url, headers=headers) as response:
                        done = self._check_response(response, done, hasher)
                        with self.part.open("r+b") as fh:
                            fh.seek(done)
                            fh.truncate()
                            for chunk in response.iter_bytes(CHUNK_BYTES):
                                fh.write(chunk)
                                hasher.update(chunk)
                                done += len(chunk)
                                fetched += len(chunk)
                                attempt = 0  # progress made: the next failure starts afresh
                                now = time.monotonic()
                                speed = meter.add(now, done)
                                if now - last_report >= PROGRESS_INTERVAL_S:
                                    last_report = now
                                    self._report(done, speed)
                                if self.stop.is_set():
                                    break
                    if self.size is None and not self.stop.is_set():
                        break  # no size to aim for: one complete response is the file
                except (httpx.TransportError, _Retry) as exc:
                    attempt += 1
                    if attempt > self.retries:
                        tries = f" after {self.retries} retries" if self.retries else ""
                        raise DownloadError(
                            f"{self.remote.filename}: the download failed{tries} "
                            f"({_describe(exc)}); {done / 1e6:,.0f} MB are kept, run it again "
                            "to resume"
                        ) from None
                    delay = min(self.backoff_s[0] * 2 ** (attempt - 1), self.backoff_s[1])
                    self.stop.wait(delay)
                except OSError as exc:
                    if exc.errno == 28:  # ENOSPC
                        raise DiskSpaceError(
                            f"the disk holding {self.dest.parent} is full; "
                            f"{done / 1e6:,.0f} MB are kept, free some space and resume"
                        ) from None
                    raise DownloadError(f"{self.part}: cannot write ({exc.strerror})") from None
        self._report(done, meter.add(time.monotonic(), done))
        return fetched

    def _check_response(self, response: httpx.Response, done: int, hasher) -> int:
        """Where the body starts: ``done`` for a matching 206, 0 when the server restarts."""
        status = response.status_code
        if status == 206:
            start = _content_range_start(response.headers.get("Content-Range"))
            if start == done:
                return done
            if start != 0:
                raise DownloadError(
                    f"{self.remote.filename}: the server sent bytes from "
                    f"{start} when asked for {done}"
                )
            hasher.reset()
            return 0
        if status == 200:
            if done:
                hasher.reset()  # the server ignored the range: the file starts again
            return 0
        if status in (401, 403):
            raise HubAccessError(
                f"{self.remote.repo}/{self.remote.filename}: access refused "
                f"({status}); set an access token for gated repositories"
            )
        if status == 404:
            raise NotFoundError(
                f"{self.remote.repo}/{self.remote.filename}: not found on the server (404)"
            )
        if status == 429 or status >= 500:
            raise _Retry(f"HTTP {status}")
        raise DownloadError(f"{self.remote.filename}: the server answered HTTP {status}")

    def _verify(self, hasher) -> None:
        size = self.part.stat().st_size
        if self.size is not None and size != self.size:
            self.discard()
            raise ChecksumError(
                f"{self.remote.filename}: got {size:,} bytes, expected "
                f"{self.size:,}; the file was deleted, download it again"
            )
        if self.sha256:
            digest = hasher.hexdigest()
            if digest != self.sha256:
                self.discard()
                raise ChecksumError(
                    f"{self.remote.filename}: SHA-256 mismatch (expected {self.sha256[:16]}…, "
                    f"got {digest[:16]}…); the damaged file was deleted"
                )

    def _report(self, done: int, speed: float) -> None:
        if self.on_progress is None:
            return
        eta = (self.size - done) / speed if self.size is not None and speed > 0 else None
        self.on_progress(Progress(self.remote.filename, done, self.size, speed, eta))


class _Hasher:
    """SHA-256 that can start over (hashlib objects cannot be reset)."""

    def __init__(self) -> None:
        self._h = hashlib.sha256()

    def update(self, data: bytes) -> None:
        self._h.update(data)

    def reset(self) -> None:
        self._h = hashlib.sha256()

    def hexdigest(self) -> str:
        return self._h.hexdigest()


def _hash_file(path: Path, length: int) -> _Hasher:
    """The hash of the first ``length`` bytes already on disk (read, not re-fetched)."""
    hasher = _Hasher()
    if length:
        with path.open("rb") as fh:
            remaining = length
            while remaining:
                block = fh.read(min(CHUNK_BYTES * 8, remaining))
                if not block:
                    break
                hasher.update(block)
                remaining -= len(block)
    return hasher


def _content_range_start(value: str | None) -> int | None:
    # "bytes 100-199/200"
    try:
        return int(value.split()[1].split("-")[0]) if value else None
    except (IndexError, ValueError):
        return None


def _describe(exc: BaseException) -> str:
    text = str(exc) or exc.__class__.__name__
    return text.splitlines()[0][:120]


def file_lock(dest: Path):
    """One download of a file at a time, across processes (the window and the CLI)."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(dest.with_name(dest.name + ".lock")), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise LibraryError(f"{dest.name} is already being downloaded by another Fireside") from None
    return lock
