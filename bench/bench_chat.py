"""Decode throughput and time-to-first-token of ``ChatEngine`` against bare llama-cpp-python.

Same model (the bundled SmolLM2 unless --model), same prompt, same greedy settings, one
process. Prints tokens/s for each and the ratio (target >= 0.95), and the TTFT of turn 10 of
a conversation over turn 1 (target <= 1.5; KV-cache reuse is what makes it hold).

    python bench/bench_chat.py [--model PATH] [--lengths 64 1024] [--repeats 3]
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

PROMPT = "Write a very long and detailed essay about the history of the Roman Empire."
SYSTEM = "You are a helpful assistant."


def engine_run(app, path, n):
    from fireside.assistant.events import TurnDone
    from fireside.assistant.turn_request import TurnRequest
    from fireside.models.sampling import SamplingParams

    params = SamplingParams(
        temperature=0, max_tokens=n, repeat_penalty=1.0, top_k=40, top_p=0.95, min_p=0.05, seed=1
    )
    app.models.current.reset_cache()
    request = TurnRequest(PROMPT, model=path, params=params, system=SYSTEM, tools=None)
    for ev in app.engine.run(request):
        if isinstance(ev, TurnDone):
            t = ev.timings
            return ev.usage.completion_tokens, t.generate_s - t.ttft_s, t.ttft_s
    raise RuntimeError("no reply")


def bare_chat_completion(llm, n):
    """llama-cpp-python's own streaming chat API."""
    llm.reset()
    msgs = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": PROMPT}]
    t0 = time.perf_counter()
    first = None
    count = 0
    for chunk in llm.create_chat_completion(
        msgs,
        max_tokens=n,
        temperature=0,
        top_k=40,
        top_p=0.95,
        min_p=0.05,
        repeat_penalty=1.0,
        seed=1,
        stream=True,
    ):
        if chunk["choices"][0]["delta"].get("content"):
            count += 1
            if first is None:
                first = time.perf_counter()
    end = time.perf_counter()
    return count, end - first, first - t0


def bare_generate(llm, tokens, n):
    """The tightest loop the library offers: generate() plus one detokenize per token."""
    llm.reset()
    t0 = time.perf_counter()
    first = None
    count = 0
    for tok in llm.generate(tokens, top_k=40, top_p=0.95, min_p=0.05, temp=0, repeat_penalty=1.0):
        if first is None:
            first = time.perf_counter()
        count += 1
        llm.detokenize([tok])
        if count >= n:
            break
    return count, time.perf_counter() - first, first - t0


def conversation_ttft(app, path, turns=10):
    from fireside.assistant.events import TurnDone
    from fireside.assistant.turn_request import TurnRequest
    from fireside.models.sampling import SamplingParams

    params = SamplingParams(temperature=0, max_tokens=48, seed=1)
    questions = [
        "Tell me about the sea.",
        "What lives in it?",
        "How deep is it?",
        "Who explored it?",
        "What about storms?",
        "Name some famous ships.",
        "What is a lighthouse for?",
        "Describe a harbour.",
        "What do sailors eat?",
        "Summarise our chat in one line.",
    ]
    cid, ttfts, stats = None, [], []
    app.models.current.reset_cache()  # turn 1 starts from an empty cache, as a new chat would
    for q in questions[:turns]:
        request = TurnRequest(q, conversation_id=cid, model=path, params=params, tools=None)
        for ev in app.engine.run(request):
            if isinstance(ev, TurnDone):
                cid = ev.conversation_id
                ttfts.append(ev.timings.ttft_s)
                stats.append(ev.usage)
    # The same turn-10 prompt with the cache dropped: what every turn would cost without reuse
    app.models.current.reset_cache()
    last_user = app.history.thread(cid)[-2]
    again = TurnRequest(regenerate=app.history.thread(cid)[-1].id, params=params, tools=None)
    for ev in app.engine.run(again):
        if isinstance(ev, TurnDone):
            cold = ev.timings.ttft_s
            cold_usage = ev.usage
    assert last_user.role == "user"
    return ttfts, stats, cold, cold_usage


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model")
    ap.add_argument("--lengths", type=int, nargs="+", default=[64, 1024])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    os.environ["FIRESIDE_HOME"] = tempfile.mkdtemp(prefix="fireside-bench-")

    from fireside.assistant.app import build_app
    from fireside.models.llama_backend import LlamaBackend, LoadOptions

    app = build_app()
    path = app.models.resolve_path(args.model)
    app.models.get(path, LoadOptions(n_ctx=4096))  # the engine's model, in its worker
    backend = LlamaBackend(path, LoadOptions(n_ctx=4096))  # in process, for the bare loops
    backend.load()
    llm = backend.llama
    tokens = backend.tokenize_prompt(
        backend.render([{"role": "system", "content": SYSTEM}, {"role": "user", "content": PROMPT}])
    )
    print(
        f"model: {path}\nthreads: {backend.report.n_threads}  device: "
        f"{backend.report.device_label}  prompt tokens: {len(tokens)}"
    )

    for n in args.lengths:
        rows = {"engine": [], "bare chat API": [], "bare generate loop": []}
        for _ in range(args.repeats):
            for name, fn in (
                ("engine", lambda n=n: engine_run(app, path, n)),
                ("bare chat API", lambda n=n: bare_chat_completion(llm, n)),
                ("bare generate loop", lambda n=n: bare_generate(llm, tokens, n)),
            ):
                count, decode_s, _ = fn()
                rows[name].append(((count - 1) / decode_s, count))
        print(f"\nreply of up to {n} tokens (median of {args.repeats}):")
        base = {k: statistics.median(r for r, _ in v) for k, v in rows.items()}
        for name, values in rows.items():
            counts = sorted({c for _, c in values})
            print(f"  {name:<20} {base[name]:8.1f} tok/s   tokens generated: {counts}")
        print(f"  ratio engine / bare chat API:      {base['engine'] / base['bare chat API']:.3f}")
        print(
            f"  ratio engine / bare generate loop: "
            f"{base['engine'] / base['bare generate loop']:.3f}   (target >= 0.95)"
        )

    ttfts, usages, cold, cold_usage = conversation_ttft(app, path)
    print("\ntime to first token across a 10-turn conversation:")
    for i, (t, u) in enumerate(zip(ttfts, usages, strict=True), 1):
        print(
            f"  turn {i:>2}: ttft {t * 1000:7.1f} ms   prompt {u.prompt_tokens:>4} tokens, "
            f"evaluated {u.prompt_eval_tokens:>3}, cached {u.cached_tokens:>4}"
        )
    print(f"  ratio turn 10 / turn 1: {ttfts[-1] / ttfts[0]:.2f}   (target <= 1.5)")
    print(
        f"  turn 10 with the cache dropped: ttft {cold * 1000:.1f} ms, evaluated "
        f"{cold_usage.prompt_eval_tokens} tokens (ratio {cold / ttfts[0]:.2f})"
    )
    app.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
