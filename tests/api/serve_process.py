"""``fireside serve`` as a real process, under an address-space limit, for hostile clients.

The limit (``RLIMIT_AS``, inherited by the model worker and the grammar helper) is far
above what the server needs and far below the machine: a request that made the server grow
without bound fails the test with a dead server instead of taking the machine down.
"""

from __future__ import annotations

import json
import os
import re
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

KEY = "hostile-test-key"
MEMORY_LIMIT = 4 * 2**30
HEADERS = {"Authorization": f"Bearer {KEY}"}


def _limit_memory(limit: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def small_replies(home: Path, model: Path, max_tokens: int = 16) -> None:
    """Settings that keep the bundled model's replies short and greedy by default."""
    sampling = {"temperature": 0.0, "max_tokens": max_tokens, "seed": 1}
    per_model = {"n_ctx": 2048, "sampling": sampling}
    config = home / "config"
    config.mkdir(parents=True, exist_ok=True)
    keys = {str(model), str(model.resolve())}
    settings = {"per_model": {k: per_model for k in keys}, "n_threads": 1}
    (config / "settings.json").write_text(json.dumps(settings), encoding="utf-8")


@dataclass
class ServedProcess:
    proc: subprocess.Popen
    url: str
    home: Path
    stdout_path: Path
    stderr_path: Path
    model: Path

    def client(self, **kw) -> httpx.Client:
        kw.setdefault("timeout", 180)
        return httpx.Client(base_url=self.url, headers=HEADERS, **kw)

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def stdout(self) -> str:
        return self.stdout_path.read_text(encoding="utf-8", errors="replace")

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def model_worker_pid(self) -> int | None:
        """The child process that has the model file mapped (the model worker)."""
        name = self.model.resolve().name
        for child in psutil.Process(self.proc.pid).children(recursive=True):
            try:
                if any(name in m.path for m in child.memory_maps()):
                    return child.pid
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        return None

    def peak_memory(self) -> dict[int, int]:
        """Peak resident memory (VmHWM, bytes) of the server and each of its children."""
        out = {}
        for p in [psutil.Process(self.proc.pid), *psutil.Process(self.proc.pid).children(True)]:
            try:
                status = Path(f"/proc/{p.pid}/status").read_text()
            except OSError:
                continue
            found = re.search(r"VmHWM:\s+(\d+) kB", status)
            if found:
                out[p.pid] = int(found.group(1)) * 1024
        return out

    def stop(self) -> int:
        if self.alive:
            self.proc.send_signal(signal.SIGINT)
            try:
                return self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        return self.proc.wait(10)


def serve_process(home: Path, model: Path, *args: str, memory: int = MEMORY_LIMIT) -> ServedProcess:
    """Start ``fireside serve`` over ``model`` with its data in ``home``; wait until it
    answers. Its output goes to files in ``home``'s parent, read by the tests."""
    home.mkdir(parents=True, exist_ok=True)
    out, err = home.parent / "serve.out", home.parent / "serve.err"
    env = {**os.environ, "FIRESIDE_HOME": str(home), "FIRESIDE_API_KEY": KEY}
    command = [sys.executable, "-m", "fireside.cli.main", "serve", "--port", "0"]
    command += ["--threads", "1", "--model", str(model), *args]
    with out.open("w") as stdout, err.open("w") as stderr:
        proc = subprocess.Popen(
            command,
            stdout=stdout,
            stderr=stderr,
            env=env,
            preexec_fn=_limit_memory(memory),
        )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        found = re.search(r"(http://127\.0\.0\.1:\d+/v1)", out.read_text())
        if found and "Ctrl-C" in out.read_text():
            return ServedProcess(proc, found.group(1), home, out, err, model)
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    proc.kill()
    raise AssertionError(f"fireside serve did not start:\n{out.read_text()}\n{err.read_text()}")
