"""Document answers with and without speculative decoding (prompt lookup): tokens/s, and
whether the text is the same.

20 questions of the Debian FAQ, each asked with the FAQ passage that answers it, greedy,
``--tokens`` tokens at most; for the bundled SmolLM2 (chat template) and Gemma 3 270M
(plain completion). Two backends per model (speculation "off" and "auto") answer each
question in turn, so load drifts hit both alike. Decode tokens/s is completion tokens over
the time after the first token. Prints per model: tokens/s both ways, the ratio (target
>= 1.3), the guesses accepted, whether every answer is identical, and whether the model's
batches are exact (where they are not, speculation switches itself off: ratio 1.0).

    python bench/bench_speculative.py [--questions 20] [--tokens 128] [--models smollm,gemma] [--threads 1]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from doc_questions import completion_prompt, faq_questions, messages  # noqa: E402
from fireside.models.bundled import default_model  # noqa: E402
from fireside.models.generation import GenerationStats, TextChunk  # noqa: E402
from fireside.models.llama_backend import LlamaBackend, LoadOptions  # noqa: E402
from fireside.models.sampling import SamplingParams  # noqa: E402


def gemma_path() -> Path:
    from tests.conftest import gemma3_270m

    return gemma3_270m(Path(tempfile.gettempdir()) / "fireside-bench-gemma")


def answer(backend: LlamaBackend, q: str, passage: str, chat: bool, tokens: int):
    params = SamplingParams(temperature=0, max_tokens=tokens, seed=0)
    items = (
        backend.stream(messages(q, passage), params)
        if chat
        else backend.complete(completion_prompt(q, passage), params)
    )
    text, stats = [], None
    for item in items:
        if isinstance(item, TextChunk):
            text.append(item.text)
        elif isinstance(item, GenerationStats):
            stats = item
    return "".join(text), stats


def run(name: str, path: Path, chat: bool, questions, tokens: int, threads: int) -> None:
    backends = {
        mode: LlamaBackend(path, LoadOptions(n_ctx=4096, speculative=mode, n_threads=threads))
        for mode in ("off", "auto")
    }
    totals = {m: [0, 0.0] for m in backends}
    same = drafted = accepted = stopped = 0
    try:
        for q, passage in questions:
            outs = {}
            for mode, backend in backends.items():
                text, stats = answer(backend, q, passage, chat, tokens)
                outs[mode] = text
                totals[mode][0] += max(0, stats.completion_tokens - 1)
                totals[mode][1] += stats.generate_s - stats.ttft_s
                if mode == "auto" and backend.speculation is not None:
                    drafted += backend.speculation.drafted
                    accepted += backend.speculation.accepted
                    stopped += bool(backend.speculation.stopped)
            same += outs["off"] == outs["auto"]
        rate = {m: t[0] / t[1] for m, t in totals.items()}
        exact = backends["auto"]._exact_batches
    finally:
        for b in backends.values():
            b.close()
    print(f"\n{name} ({path.name}), {len(questions)} questions")
    print(f"  without: {rate['off']:7.1f} tok/s   with: {rate['auto']:7.1f} tok/s   "
          f"ratio {rate['auto'] / rate['off']:.2f} (target >= 1.3)")  # fmt: skip
    print(f"  batches exact on this build: {exact}; guesses accepted {accepted}/{drafted}")
    print(f"  answers where guessing stopped early (failing, or slower than steps): {stopped}")
    print(f"  identical answers: {same}/{len(questions)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--questions", type=int, default=20)
    ap.add_argument("--tokens", type=int, default=128)
    ap.add_argument("--models", default="smollm,gemma")
    # speculation runs on one decoding thread only (see LlamaBackend._speculator); both
    # sides get the same fixed count, since the thread count alone can change greedy output
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    questions = faq_questions(args.questions)
    print(f"load average before: {os.getloadavg()}")
    t0 = time.perf_counter()
    for name in args.models.split(","):
        if name == "smollm":
            run("SmolLM2 135M", default_model().path, True, questions, args.tokens, args.threads)
        elif name == "gemma":
            run("Gemma 3 270M", gemma_path(), False, questions, args.tokens, args.threads)
    print(f"\nload average after: {os.getloadavg()}; {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
