"""What running llama.cpp in the model worker process costs, against running it in process.

Same model, same prompt, same settings, same (emptied) KV cache, alternating runs in one
process, so machine load hits both sides alike. On a shared, busy machine the decode rate
itself swings by 10-20 % from run to run, so the cost of the boundary alone is printed too:
within each run through the worker, the rate the caller saw over the rate the worker
measured. Everything is timed where the caller sees
it (the consumer of ``stream``), so the pipe, pickling and the worker's wake-up count.

* decode tokens/s through the worker / in process, for 64- and 1,024-token replies
  (target >= 0.95);
* time to first token added by the process boundary, median over 20 turns (target <= 30 ms),
  on a follow-up turn whose prompt is nearly all cached, so the boundary is not hidden
  behind prompt evaluation.

    python bench/bench_worker.py [--model PATH] [--repeats 3] [--turns 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PROMPT = [
    {"role": "system", "content": "You are a helpful assistant."},
    {"role": "user", "content": "Count from 1 to 2000 in digits, separated by commas."},
]


def timed_reply(backend, messages, params):
    """(tokens, decode tokens/s seen by the caller, the same from the median gap between
    chunks, time to first chunk, the backend's own stats)."""
    from fireside.models.generation import TextChunk

    t0 = time.perf_counter()
    arrivals: list[float] = []
    stats = None
    for item in backend.stream(messages, params):
        if isinstance(item, TextChunk):
            arrivals.append(time.perf_counter())
        else:
            stats = item
    n = stats.completion_tokens
    first = arrivals[0] if arrivals else time.perf_counter()
    span = arrivals[-1] - first if arrivals else 0.0
    rate = (len(arrivals) - 1) / span if span > 0 else 0.0
    gaps = [b - a for a, b in zip(arrivals, arrivals[1:], strict=False)]
    steady = 1 / statistics.median(gaps) if gaps and statistics.median(gaps) > 0 else 0.0
    return n, rate, steady, first - t0, stats


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model")
    ap.add_argument("--lengths", type=int, nargs="+", default=[64, 1024])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--turns", type=int, default=20)
    args = ap.parse_args()
    os.environ.setdefault("FIRESIDE_HOME", tempfile.mkdtemp(prefix="fireside-bench-"))

    from fireside.models.bundled import default_model
    from fireside.models.llama_backend import LlamaBackend, LoadOptions
    from fireside.models.sampling import SamplingParams
    from fireside.models.worker import WorkerBackend

    path = args.model or str(default_model().path)
    options = LoadOptions(n_ctx=4096, n_threads=1)
    local = LlamaBackend(path, options)
    local.load()
    worker = WorkerBackend(path, options)
    worker.load()
    print(f"model: {Path(path).name}  threads: 1  device: {worker.description.device}")

    def reset(backend) -> None:
        if backend is worker:
            worker.reset_cache()
        else:
            local.llama.reset()

    print("\n-- decode tokens/s, caller-side (median of repeats) --")
    ok = True
    for n in args.lengths:
        params = SamplingParams(temperature=0, max_tokens=n, repeat_penalty=1.0, seed=1)
        rates: dict[str, list[float]] = {"in process": [], "worker": []}
        steady: dict[str, list[float]] = {"in process": [], "worker": []}
        own: list[float] = []  # caller-seen / worker-measured rate, within the same run
        counts: dict[str, int] = {}
        for _ in range(args.repeats):
            for name, backend in (("in process", local), ("worker", worker)):
                reset(backend)
                count, rate, typical, _, stats = timed_reply(backend, PROMPT, params)
                if backend is worker and stats.tokens_per_s:
                    own.append(rate / stats.tokens_per_s)
                rates[name].append(rate)
                steady[name].append(typical)
                counts[name] = count
        base = statistics.median(rates["in process"])
        through = statistics.median(rates["worker"])
        ratio = through / base if base else 0.0
        ok &= ratio >= 0.95
        steady_ratio = statistics.median(steady["worker"]) / statistics.median(steady["in process"])
        print(
            f"{n:>5}-token replies ({counts['worker']} generated): in process {base:6.1f} tok/s"
            f"  worker {through:6.1f} tok/s  ratio {ratio:.3f}  (target >= 0.95)"
        )
        print(
            f"       from the median gap between chunks (less sensitive to load spikes): "
            f"ratio {steady_ratio:.3f}"
        )
        print(
            "       the boundary alone (same runs: rate seen by the caller / rate the worker "
            f"measured): {statistics.median(own):.3f}"
        )

    print(f"\n-- time to first token, follow-up turn, {args.turns} turns each --")
    params = SamplingParams(temperature=0, max_tokens=2, repeat_penalty=1.0, seed=1)
    ttft: dict[str, list[float]] = {"in process": [], "worker": []}
    boundary: list[float] = []
    for backend in (local, worker):  # fill each cache with the prompt once
        reset(backend)
        timed_reply(backend, PROMPT, params)
    for _ in range(args.turns):
        for name, backend in (("in process", local), ("worker", worker)):
            _, _, _, first, stats = timed_reply(backend, PROMPT, params)
            inner = stats.ttft_s
            ttft[name].append(first)
            if backend is worker:
                boundary.append(first - inner)
    local_ms = statistics.median(ttft["in process"]) * 1000
    worker_ms = statistics.median(ttft["worker"]) * 1000
    added_ms = worker_ms - local_ms
    inner_added_ms = statistics.median(boundary) * 1000
    ok &= added_ms <= 30
    print(
        f"median ttft: in process {local_ms:.1f} ms  worker {worker_ms:.1f} ms  "
        f"added {added_ms:+.1f} ms  (target <= 30 ms)"
    )
    print(
        f"median caller-seen minus worker-measured ttft: {inner_added_ms:.1f} ms "
        "(request, render and tokenize, first chunk back)"
    )
    worker.close()
    local.close()
    print("\nall targets met" if ok else "\nsome targets missed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
