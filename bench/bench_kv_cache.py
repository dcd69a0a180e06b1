"""The model worker's memory with an f16 and a q8_0 KV cache, and whether answers change.

Gemma 3 270M at an 8,192-token context, each cache type in its own model worker process
(the app's ``WorkerBackend``): the worker's RSS after loading and after answering a long
document question (the cache is allocated whole at load; its pages count once written).
Then the same 20 Debian FAQ questions (with their passages), greedy, both ways: how many
answers are identical, for the others the first character where they part, and how many
sentences of each side's answers their passage supports (``documents/support.py``).

    python bench/bench_kv_cache.py [--ctx 8192] [--questions 20] [--tokens 64] [--model PATH] [--threads 1]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_speculative import gemma_path  # noqa: E402
from doc_questions import completion_prompt, faq_questions  # noqa: E402
from fireside.assistant.documents.keywords import KeywordText  # noqa: E402
from fireside.assistant.documents.support import SUPPORTED, SupportChecker  # noqa: E402
from fireside.models.generation import TextChunk  # noqa: E402
from fireside.models.gguf_info import inspect_gguf  # noqa: E402
from fireside.models.llama_backend import LoadOptions  # noqa: E402
from fireside.models.memory_fit import kv_cache_bytes  # noqa: E402
from fireside.models.sampling import SamplingParams  # noqa: E402
from fireside.models.worker import WorkerBackend  # noqa: E402

MIB = 2**20


def rss(backend: WorkerBackend) -> int:
    return psutil.Process(backend.pid).memory_info().rss


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ctx", type=int, default=8192)
    ap.add_argument("--questions", type=int, default=20)
    ap.add_argument("--tokens", type=int, default=64)
    ap.add_argument("--model", type=Path, default=None)
    # a fixed thread count on both sides: the count chosen per turn follows the machine's
    # load, and another count alone sums in another order (see models/speculative.py)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    path = args.model or gemma_path()
    info = inspect_gguf(path)
    questions = faq_questions(args.questions)
    params = SamplingParams(temperature=0, max_tokens=args.tokens, seed=0)
    print(f"{path.name}, context {args.ctx}; load average {os.getloadavg()}")
    answers: dict[str, list[str]] = {}
    for kv in ("f16", "q8_0"):
        backend = WorkerBackend(
            path,
            LoadOptions(n_ctx=args.ctx, kv_cache=kv, speculative="off", n_threads=args.threads),
        )
        try:
            backend.load()
            loaded = rss(backend)
            out = []
            for q, passage in questions:
                text = "".join(
                    i.text
                    for i in backend.complete(completion_prompt(q, passage), params)
                    if isinstance(i, TextChunk)
                )
                out.append(text)
            answers[kv] = out
            estimate = kv_cache_bytes(info.n_layers, info.n_head_kv, info.head_dim, args.ctx, kv)
            print(f"  {kv:5s} worker RSS: {loaded / MIB:6.0f} MiB loaded, "
                  f"{rss(backend) / MIB:6.0f} MiB after {len(questions)} answers; "
                  f"KV cache estimate {estimate / MIB:.0f} MiB")  # fmt: skip
        finally:
            backend.close()
    same = sum(a == b for a, b in zip(answers["f16"], answers["q8_0"], strict=True))
    print(f"  identical greedy answers f16 vs q8_0: {same}/{len(questions)}")
    # answers that differ are not worse by that alone: how much of each one its passage
    # supports (the support checker of document answers), both ways
    checker = SupportChecker(KeywordText())
    for kv, texts in answers.items():
        verdicts = [
            s.verdict
            for (_, passage), text in zip(questions, texts, strict=True)
            for s in checker.check(text, [passage]).sentences
        ]
        found = sum(v == SUPPORTED for v in verdicts)
        print(f"  {kv:5s} sentences supported by their passage: {found}/{len(verdicts)}")
    for (q, _), a, b in zip(questions, answers["f16"], answers["q8_0"], strict=True):
        if a != b:
            at = next(
                (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
                min(len(a), len(b)),
            )
            print(f"    parted at character {at}: {q[:50]!r}")


if __name__ == "__main__":
    main()
