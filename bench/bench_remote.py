"""Decode throughput through a remote connection against the server's own streaming speed.

Starts llama-cpp-python's OpenAI-compatible server on 127.0.0.1 with the bundled SmolLM2
(one thread), then, alternating and with the same prompt and greedy settings, streams
replies (a) with a plain httpx client straight from ``/v1/chat/completions`` and (b) through
Fireside: a connection, ``ChatEngine.send`` with ``--model lab/smol``, the history written
as usual. Prints tokens/s of each and the ratio (target >= 0.95).

    python bench/bench_remote.py [--lengths 64 256] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PROMPT = "Write a very long and detailed essay about the history of the Roman Empire."
SYSTEM = "You are a helpful assistant."
ALIAS = "smol"
SAMPLING = dict(temperature=0.0, top_p=0.95, top_k=40, min_p=0.05, repeat_penalty=1.0, seed=1)


def start_server(model: Path, log: Path) -> tuple[subprocess.Popen, str]:
    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(model),
        "--model_alias", ALIAS, "--host", "127.0.0.1", "--port", str(port),
        "--n_threads", "1", "--n_threads_batch", "1", "--n_ctx", "2048",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/models", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit(f"the server did not start; see {log}")


def plain_client(url: str, n: int) -> tuple[int, float]:
    """Tokens and decode seconds (first to last token), as any OpenAI client would see."""
    import json

    import httpx

    body = {
        "model": ALIAS,
        "messages": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": PROMPT}],
        "max_tokens": n,
        "stream": True,
        **SAMPLING,
    }
    count, first, last = 0, None, None
    with httpx.stream("POST", f"{url}/chat/completions", json=body, timeout=300) as response:
        for line in response.iter_lines():
            if not line.startswith("data:") or line.endswith("[DONE]"):
                continue
            choice = json.loads(line[5:])["choices"][0]
            if choice["delta"].get("content"):
                last = time.perf_counter()
                first = first or last
                count += 1
    return count, (last - first) if count > 1 else 0.0


def through_fireside(app, n: int) -> tuple[int, float]:
    from fireside.assistant.events import TurnDone
    from fireside.assistant.turn_request import TurnRequest
    from fireside.models.sampling import SamplingParams

    params = SamplingParams(max_tokens=n, **SAMPLING)
    request = TurnRequest(PROMPT, model=f"lab/{ALIAS}", params=params, system=SYSTEM, tools=None)
    for event in app.engine.run(request):
        if isinstance(event, TurnDone):
            t = event.timings
            return event.usage.completion_tokens, t.generate_s - t.ttft_s
    raise SystemExit("no reply through Fireside")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", type=int, nargs="+", default=[64, 256])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    from fireside.models.bundled import default_model

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["FIRESIDE_HOME"] = tmp
        from fireside.assistant.app import build_app

        proc, url = start_server(default_model().path, Path(tmp) / "server.log")
        app = build_app()
        try:
            app.models.remotes.add("lab", url)
            plain_client(url, 8)  # warm both paths once
            through_fireside(app, 8)
            print(f"server: llama-cpp-python at {url}, SmolLM2 135M, 1 thread")
            for n in args.lengths:
                plain, ours = [], []
                for _ in range(args.repeats):
                    count, secs = plain_client(url, n)
                    plain.append((count - 1) / secs)
                    count2, secs2 = through_fireside(app, n)
                    ours.append((count2 - 1) / secs2)
                p, o = statistics.median(plain), statistics.median(ours)
                print(
                    f"{n:>5} tokens: plain client {p:6.1f} tok/s  through Fireside {o:6.1f} tok/s"
                    f"  ratio {o / p:.3f} (target >= 0.95; {count} / {count2} tokens)"
                )
        finally:
            app.close()
            proc.terminate()
            proc.wait(20)


if __name__ == "__main__":
    main()
