"""Decode speed of ``fireside chat`` against plain llama-cpp-python at fixed thread counts,
on an idle machine and with another process spinning on one core.

Fireside chooses its threads per turn from the cores free when the turn starts; a fixed
count either wastes cores (idle) or puts a thread on a taken core, where every step waits
for it (busy). Each measurement is a fresh process on the same GGUF and prompt, greedy,
``--tokens`` tokens; decode tokens/s excludes the prompt. Runs alternate (Fireside, then
each fixed count) for ``--rounds`` rounds; medians are compared:

- busy (one core spinning): Fireside / plain with 1 thread (target >= 0.95);
- idle: Fireside / the best fixed thread count (target >= 0.95).

    python bench/bench_threads.py [--model PATH.gguf] [--rounds 3] [--tokens 128]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fireside.models.bundled import default_model  # noqa: E402

PROMPT = "Write a long story about a dragon who learns to bake bread."
PLAIN = """
import json, sys, time
from llama_cpp import Llama
path, threads, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
llm = Llama(model_path=path, n_ctx=1024, n_threads=threads, n_threads_batch=threads, verbose=False)
tokens = llm.tokenize(sys.argv[4].encode(), add_bos=True)
t0 = time.perf_counter(); first = None; count = 0
for tok in llm.generate(tokens, temp=0.0, top_k=1, repeat_penalty=1.0):
    count += 1
    if first is None:
        first = time.perf_counter()
    if count >= n:
        break
print(json.dumps({"tokens_per_s": (count - 1) / (time.perf_counter() - first)}))
"""


def spin(stop) -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    while not stop.is_set():
        pass


def fireside(model: str, tokens: int, home: str) -> float:
    env = {**os.environ, "FIRESIDE_HOME": home}
    out = subprocess.run(
        [sys.executable, "-m", "fireside.cli.main", "chat", PROMPT, "--model", model, "--json",
         "--max-tokens", str(tokens), "--temperature", "0", "--seed", "0"],
        capture_output=True, text=True, env=env, check=True,
    ).stdout  # fmt: skip
    return float(json.loads(out)["timings"]["tokens_per_s"])


def plain(model: str, threads: int, tokens: int) -> float:
    out = subprocess.run(
        [sys.executable, "-c", PLAIN, model, str(threads), str(tokens), PROMPT],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return float(json.loads(out.strip().splitlines()[-1])["tokens_per_s"])


def measure(model: str, counts: list[int], rounds: int, tokens: int, home: str) -> dict:
    rates: dict[str, list[float]] = {"fireside": [], **{f"plain {n}": [] for n in counts}}
    for _ in range(rounds):
        rates["fireside"].append(fireside(model, tokens, home))
        for n in counts:
            rates[f"plain {n}"].append(plain(model, n, tokens))
    return {k: float(np.median(v)) for k, v in rates.items()} | {"_all": rates}


def show(title: str, med: dict) -> None:
    print(f"\n{title}")
    for key, vals in med["_all"].items():
        print(f"  {key:10s} median {med[key]:7.1f} tok/s   ({' '.join(f'{v:.1f}' for v in vals)})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--tokens", type=int, default=128)
    args = ap.parse_args()
    model = args.model or str(default_model().path)
    physical = psutil.cpu_count(logical=False) or 1
    counts = sorted({1, *range(2, physical + 1)})
    print(f"model {Path(model).name}; {physical} physical cores, {psutil.cpu_count()} logical")
    print(f"load average before: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as home:
        idle = measure(model, counts, args.rounds, args.tokens, home)
        ctx = multiprocessing.get_context("spawn")
        stop = ctx.Event()
        spinner = ctx.Process(target=spin, args=(stop,), daemon=True)
        spinner.start()
        try:
            busy = measure(model, [1], args.rounds, args.tokens, home)
        finally:
            stop.set()
            spinner.join(5)
    show("idle machine", idle)
    best = max(counts, key=lambda n: idle[f"plain {n}"])
    print(f"  Fireside / best fixed ({best} threads): {idle['fireside'] / idle[f'plain {best}']:.2f}"
          " (target >= 0.95)")  # fmt: skip
    show("one core spinning", busy)
    print(f"  Fireside / plain 1 thread: {busy['fireside'] / busy['plain 1']:.2f} (target >= 0.95)")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
