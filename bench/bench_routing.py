"""Tool routing with the bundled model: right answers before and after, and its cost.

40 arithmetic questions written in words (20 English, 20 Chinese) go through the real
engine with the bundled SmolLM2 135M at its default sampling (temperature 0.7; seeds fixed
per question), once with routing off and once on. A reply counts as right when it contains
the exact result as a number of its own (not "12" inside "120"). Then the time routing adds to a turn when no tool applies: the median of
``route_message`` over ordinary chat messages, against the median time to first token of
a turn with the same model (the baseline, measured in this process).

    python bench/bench_routing.py [--model PATH] [--max-tokens 64]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

QUESTIONS = [
    ("What is seventeen times twenty-three?", "391"),
    ("What is forty-five times sixty-seven?", "3015"),
    ("How much is one hundred and twenty-three plus four hundred and fifty-six?", "579"),
    ("What is one thousand two hundred and thirty-four minus five hundred and sixty-seven?", "667"),
    ("What is seventy-two divided by eight?", "9"),
    ("What is fifteen percent of eighty?", "12"),
    ("What is two to the power of ten?", "1024"),
    ("What is the square root of one hundred and forty-four?", "12"),
    ("What is nineteen squared?", "361"),
    ("Calculate eighty-eight times eleven.", "968"),
    ("What is nine hundred and ninety-nine plus one?", "1000"),
    ("What is six thousand divided by twelve?", "500"),
    ("What is thirty-seven times forty-three?", "1591"),
    ("How much is two hundred and fifty minus ninety-eight?", "152"),
    ("What is twenty-five percent of three hundred and sixty?", "90"),
    ("What is three to the power of five?", "243"),
    ("What is fourteen times fifteen?", "210"),
    ("What is one hundred and forty-four divided by nine?", "16"),
    ("What is sixty-four plus one hundred and twenty-eight?", "192"),
    ("What is eleven cubed?", "1331"),
    ("十七乘以二十三是多少", "391"),
    ("四十五乘以六十七等于多少？", "3015"),
    ("一百二十三加四百五十六是多少", "579"),
    ("一千二百三十四减去五百六十七等于多少", "667"),
    ("七十二除以八是多少", "9"),
    ("八十的百分之十五是多少", "12"),
    ("2的10次方", "1024"),
    ("一百四十四的平方根是多少", "12"),
    ("十九的平方是多少", "361"),
    ("请计算八十八乘以十一", "968"),
    ("九百九十九加一等于几", "1000"),
    ("六千除以十二是多少", "500"),
    ("三十七乘以四十三是多少", "1591"),
    ("二百五十减九十八等于多少", "152"),
    ("三百六十的百分之二十五是多少", "90"),
    ("三的五次方是多少", "243"),
    ("十四乘十五是多少", "210"),
    ("一百四十四除以九等于几", "16"),
    ("六十四加一百二十八是多少", "192"),
    ("十一的立方是多少", "1331"),
]
NO_TOOL = [
    "Write a haiku about autumn leaves.",
    "What is the capital of France?",
    "Tell me a joke about cats.",
    "How do I make a good cup of tea?",
    "Explain photosynthesis in one paragraph.",
    "给我讲一个关于龙的故事",
    "What are the benefits of regular exercise?",
    "Summarise the plot of Hamlet.",
    "如何学习编程？",
    "Can you recommend a book about history?",
]


def holds(text: str, answer: str) -> bool:
    """The exact number, not part of a longer one ("12" is not in "120" or "1.25")."""
    digits = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    return re.search(rf"(?<![\d.]){re.escape(answer)}(?:\.0+)?(?![\d]|\.\d)", digits) is not None


def run_set(app, path, routing: bool, max_tokens: int) -> tuple[int, list[float]]:
    from fireside.assistant.events import TurnDone
    from fireside.assistant.turn_request import ToolPolicy, TurnRequest
    from fireside.models.sampling import SamplingParams

    right, ttfts = 0, []
    for seed, (question, answer) in enumerate(QUESTIONS):
        params = SamplingParams(max_tokens=max_tokens, seed=seed)
        tools = ToolPolicy(routing=routing)
        request = TurnRequest(question, model=path, params=params, tools=tools)
        for event in app.engine.run(request):
            if isinstance(event, TurnDone):
                right += holds(event.text, answer)
                ttfts.append(event.timings.ttft_s)
    return right, ttfts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="GGUF (default: the bundled SmolLM2 135M)")
    parser.add_argument("--max-tokens", type=int, default=64)
    args = parser.parse_args()
    os.environ.setdefault("FIRESIDE_HOME", tempfile.mkdtemp(prefix="fireside-bench-"))

    from fireside.assistant.app import build_app
    from fireside.assistant.tool_routing import route_message
    from fireside.assistant.turn_tools import TurnTools
    from fireside.models.llama_backend import LoadOptions
    from fireside.plugins.registry import ToolRegistry

    app = build_app()
    try:
        path = app.models.resolve_path(args.model)
        app.models.get(path, LoadOptions(n_ctx=2048, n_threads=1))
        before, base_ttft = run_set(app, path, routing=False, max_tokens=args.max_tokens)
        after, _ = run_set(app, path, routing=True, max_tokens=args.max_tokens)
        n = len(QUESTIONS)
        print(f"arithmetic questions in words (EN {n // 2}, ZH {n // 2}), bundled model:")
        print(f"  right number in the reply, routing off: {before}/{n} ({before / n:.0%})")
        print(f"  right number in the reply, routing on:  {after}/{n} ({after / n:.0%})")

        tools = TurnTools(ToolRegistry(app.plugins.tools()))
        samples = []
        for _ in range(20):
            for message in NO_TOOL:
                start = time.perf_counter()
                assert route_message(message, tools) is None
                samples.append(time.perf_counter() - start)
        overhead = statistics.median(samples)
        ttft = statistics.median(base_ttft)
        print(f"routing when no tool applies: median {overhead * 1000:.3f} ms per turn")
        print(f"  baseline, median time to first token of a turn: {ttft * 1000:.0f} ms")
        print(f"  ratio routing / time to first token: {overhead / ttft:.4f}")
    finally:
        app.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
