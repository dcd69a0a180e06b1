"""The local API's overhead and its behaviour under concurrent clients.

1. Streaming decode tokens/s through the API (the official ``openai`` client, SSE over
   127.0.0.1) against the same request straight through the core
   (``fireside.assistant.completions.run_completion``), one process, same model, greedy,
   runs interleaved; prints the ratio (target >= 0.95).
2. 8 concurrent streaming clients x 5 requests: how many were answered (none may be
   dropped), p50/p95 time to first token, and total tokens/s against one client alone.

    python bench/bench_api.py [--model PATH] [--tokens 200] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PROMPT = "Write a very long and detailed essay about the history of the Roman Empire."
KEY = "bench-key"


def core_run(engine, n: int) -> float:
    """The same request straight through the core: the engine's turn, as the API makes it."""
    from fireside.assistant.events import TextDelta, TurnDone
    from fireside.assistant.turn_request import TurnRequest
    from fireside.models.sampling import SamplingParams

    params = SamplingParams(temperature=0, max_tokens=n, repeat_penalty=1.0, seed=1)
    request = TurnRequest(
        messages=[{"role": "user", "content": PROMPT}], save=False, tools=None, params=params
    )
    times = []
    tokens = 0
    for event in engine.run(request):
        if isinstance(event, TextDelta):
            times.append(time.perf_counter())
        elif isinstance(event, TurnDone):
            tokens = event.usage.completion_tokens
    return (tokens - 1) / (times[-1] - times[0])


def api_run(client, n: int) -> float:
    times = []
    tokens = 0
    for chunk in client.chat.completions.create(
        model="default",
        messages=[{"role": "user", "content": PROMPT}],
        max_tokens=n,
        temperature=0,
        seed=1,
        extra_body={"repeat_penalty": 1.0},
        stream=True,
        stream_options={"include_usage": True},
    ):
        if chunk.choices and chunk.choices[0].delta.content:
            times.append(time.perf_counter())
        if chunk.usage is not None:
            tokens = chunk.usage.completion_tokens
    return (tokens - 1) / (times[-1] - times[0])


def one_stream(client, n: int, results: list, question: str) -> None:
    sent = time.perf_counter()
    first = None
    tokens = 0
    finish = None
    try:
        for chunk in client.chat.completions.create(
            model="default",
            messages=[{"role": "user", "content": question}],
            max_tokens=n,
            temperature=0.7,
            stream=True,
            stream_options={"include_usage": True},
        ):
            if chunk.choices and chunk.choices[0].delta.content and first is None:
                first = time.perf_counter() - sent
            if chunk.choices and chunk.choices[0].finish_reason:
                finish = chunk.choices[0].finish_reason
            if chunk.usage is not None:
                tokens = chunk.usage.completion_tokens
    except Exception as exc:  # noqa: BLE001 - a dropped request is what we count
        results.append(("error", str(exc), 0))
        return
    results.append((finish, first, tokens))


def clients_run(url: str, n_clients: int, per_client: int, n: int):
    import openai

    results: list = []

    def client_loop(i: int) -> None:
        c = openai.OpenAI(base_url=url, api_key=KEY, max_retries=0, timeout=600)
        for j in range(per_client):
            one_stream(c, n, results, f"Tell me a fact about the number {i * 10 + j}.")

    t0 = time.perf_counter()
    threads = [threading.Thread(target=client_loop, args=(i,)) for i in range(n_clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return results, wall


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model")
    ap.add_argument("--tokens", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--requests", type=int, default=5)
    ap.add_argument("--short", type=int, default=32, help="max tokens per concurrent request")
    args = ap.parse_args()
    os.environ.setdefault("FIRESIDE_HOME", tempfile.mkdtemp(prefix="fireside-bench-api-"))

    import openai
    from fireside.api.server import ApiServer
    from fireside.api.services import ApiConfig, ApiServices
    from fireside.assistant.app import build_app

    app = build_app()
    app.settings_store.override("model.n_threads", 1)  # this run only
    app.settings_store.override("model.path", args.model)
    backend = app.models.get(None)
    services = ApiServices.from_app(app, key=lambda: KEY)
    server = ApiServer(services, ApiConfig(port=0, max_queue=64))
    server.start()
    client = openai.OpenAI(base_url=server.url, api_key=KEY, max_retries=0, timeout=600)
    print(f"model: {backend.description.name}, threads 1, {args.tokens} tokens, greedy")
    core_run(app.engine, 16)  # warm-up
    api_run(client, 16)
    core, api = [], []
    for _ in range(args.repeats):
        core.append(core_run(app.engine, args.tokens))
        api.append(api_run(client, args.tokens))
    c, a = statistics.median(core), statistics.median(api)
    print(f"core  : {c:7.1f} tok/s   (runs: {', '.join(f'{x:.1f}' for x in core)})")
    print(f"API   : {a:7.1f} tok/s   (runs: {', '.join(f'{x:.1f}' for x in api)})")
    print(f"API / core: {a / c:.3f}   (target >= 0.95)")

    single, single_wall = clients_run(server.url, 1, args.requests, args.short)
    single_tps = sum(r[2] for r in single) / single_wall
    results, wall = clients_run(server.url, args.clients, args.requests, args.short)
    answered = [r for r in results if r[0] in ("stop", "length")]
    dropped = len(results) - len(answered)
    ttft = [r[1] for r in answered if r[1] is not None]
    total_tps = sum(r[2] for r in answered) / wall
    print(
        f"{args.clients} clients x {args.requests} requests: {len(answered)} answered, "
        f"{dropped} dropped"
    )
    print(f"time to first token: p50 {pct(ttft, 0.5):.2f} s, p95 {pct(ttft, 0.95):.2f} s")
    print(
        f"throughput: {total_tps:.1f} tok/s with {args.clients} clients, {single_tps:.1f} tok/s "
        f"with one (ratio {total_tps / single_tps:.2f})"
    )
    server.stop()
    app.close()
    return 0 if dropped == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
