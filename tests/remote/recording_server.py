"""A real OpenAI-compatible server process that writes down every request it receives.

``python -m tests.remote.recording_server PORT LOG`` serves ``/v1/models`` (one model,
``seer``) and streamed ``/v1/chat/completions`` (a fixed reply) on 127.0.0.1, appending
each request body to the JSON-lines file LOG, so a test can check exactly what a client
sent: here, that pictures arrive as OpenAI ``image_url`` parts.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from tests.remote.server import free_port

REPLY = ["I see ", "a picture."]


class Handler(BaseHTTPRequestHandler):
    log_path: Path

    def log_message(self, *args) -> None:  # quiet
        pass

    def _send(self, code: int, body: bytes, kind: str = "application/json") -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        if self.path.rstrip("/") == "/v1/models":
            data = {"object": "list", "data": [{"id": "seer", "object": "model"}]}
            self._send(200, json.dumps(data).encode())
        else:
            self._send(404, b"{}")

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with self.log_path.open("ab") as fh:
            fh.write(json.dumps({"path": self.path, "body": json.loads(body)}).encode() + b"\n")
        if self.path != "/v1/chat/completions":
            self._send(404, b"{}")
            return
        chunks = [{"choices": [{"index": 0, "delta": {"content": t}}]} for t in REPLY]
        chunks.append({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
        events = b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks)
        self._send(200, events + b"data: [DONE]\n\n", "text/event-stream")


class Recorder:
    def __init__(self, process: subprocess.Popen, port: int, log: Path) -> None:
        self.process, self.port, self.log = process, port, log

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def requests(self) -> list[dict]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines() if line]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def start_recorder(folder: Path) -> Recorder:
    port, log = free_port(), folder / "requests.jsonl"
    root = Path(__file__).resolve().parents[2]
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.remote.recording_server", str(port), str(log)], cwd=root
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/models", timeout=1).status_code == 200:
                return Recorder(process, port, log)
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the recording server did not start")


if __name__ == "__main__":
    Handler.log_path = Path(sys.argv[2])
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
