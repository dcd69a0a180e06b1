"""Decode speed of the portable llama.cpp build against the native one, on this machine.

The installers carry llama-cpp-python built with run-time CPU dispatch
(``installer/build-llama-portable.sh``: one CPU backend per instruction-set level, the best
one loaded at run time, the AMX variant left out). This checks that the dispatch costs
nothing that matters: decode tokens/s of the portable build / the native build (compiled
with -march=native, AMX off), target >= 0.95.

Both builds cannot live in one process, so each run is a child process that imports one
build (the portable one from a folder the wheel is unpacked into, put first on
PYTHONPATH), loads the model through Fireside's own backend with one thread, and decodes a
fixed greedy reply. The parent alternates native and portable runs (machine load hits both
alike) and prints the medians and their ratio, and which CPU variant the portable build
chose.

    python bench/bench_portable_llama.py WHEEL [--model PATH] [--tokens 256] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, sys, time
from fireside.models.generation import TextChunk
from fireside.models.llama_backend import LlamaBackend, LoadOptions
from fireside.models.sampling import SamplingParams
from fireside.models import llama_runtime
import llama_cpp

backend = LlamaBackend(sys.argv[1], LoadOptions(n_ctx=2048, n_threads=1, check_memory=False))
backend.load()
messages = [{"role": "user", "content": "Count from 1 to 2000 in digits, separated by commas."}]
params = SamplingParams(temperature=0, max_tokens=int(sys.argv[2]), seed=0)
arrivals = []
for item in backend.stream(messages, params):
    if isinstance(item, TextChunk):
        arrivals.append(time.perf_counter())
rate = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])
print(json.dumps({"rate": rate, "tokens": len(arrivals), "llama_cpp": llama_cpp.__file__,
                  "variants": llama_runtime.cpu_variants(),
                  "chosen": llama_runtime.loaded_cpu_variant()}))
"""


def run_child(model: str, tokens: int, pythonpath: str) -> dict:
    env = {**os.environ, "PYTHONPATH": pythonpath, "OMP_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, model, str(tokens)],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if done.returncode != 0:
        raise SystemExit(f"bench run failed: {done.stderr.strip().splitlines()[-1:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("wheel", type=Path, help="the portable llama-cpp-python wheel")
    ap.add_argument("--model", help="GGUF (default: the bundled model)")
    ap.add_argument("--tokens", type=int, default=256)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.model is None:
        from fireside.models.bundled import default_model

        args.model = str(default_model().path)
    with tempfile.TemporaryDirectory() as unpacked:
        with zipfile.ZipFile(args.wheel) as wheel:
            wheel.extractall(unpacked)
        native_path = str(ROOT)
        portable_path = os.pathsep.join([unpacked, str(ROOT)])
        native, portable = [], []
        for _ in range(args.repeats):
            native.append(run_child(args.model, args.tokens, native_path))
            portable.append(run_child(args.model, args.tokens, portable_path))
    assert all(unpacked not in r["llama_cpp"] for r in native)
    assert all(unpacked in r["llama_cpp"] for r in portable), "the portable build was not used"
    n = statistics.median(r["rate"] for r in native)
    p = statistics.median(r["rate"] for r in portable)
    print(
        f"model: {Path(args.model).name}, {args.tokens} tokens, 1 thread, {args.repeats} runs each"
    )
    print(f"CPU variants in the portable build: {', '.join(portable[0]['variants'])}")
    if portable[0]["chosen"]:
        print(f"variant loaded on this CPU: {portable[0]['chosen']}")
    print(
        "native   decode tok/s: "
        + ", ".join(f"{r['rate']:.1f}" for r in native)
        + f"  (median {n:.1f})"
    )
    print(
        "portable decode tok/s: "
        + ", ".join(f"{r['rate']:.1f}" for r in portable)
        + f"  (median {p:.1f})"
    )
    best_n = max(r["rate"] for r in native)
    best_p = max(r["rate"] for r in portable)
    print(
        f"portable / native: {p / n:.3f} median, {best_p / best_n:.3f} best run  (target >= 0.95)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
