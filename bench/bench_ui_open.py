"""Opening a long conversation against opening a short one, in the same window.

A chat opens with its newest messages only (older ones join on scrolling), so opening 1,200
messages costs a bounded amount whatever the length of the history. Each round opens both, alternating, so a
change in machine load hits both alike. Reported: median wall time of each, and the ratio
long/short, with the absolute time of the long one (target <= 1.5 s, a limit the
desktop tests used to assert).

    QT_QPA_PLATFORM=offscreen python bench/bench_ui_open.py [--rounds 7]
"""

from __future__ import annotations

import argparse
import statistics
import time

from bench_ui_harness import essay_tokens, make_window, qt_app, scripted_core


def conversation(core, pairs: int) -> int:
    conv = core.history.create_conversation(f"{pairs} pairs")
    answer = "".join(essay_tokens(120))
    parent = None
    for i in range(pairs):
        parent = core.history.add_message(conv.id, "user", f"Question {i}: why?", parent).id
        parent = core.history.add_message(conv.id, "assistant", f"{answer}\nAnswer {i}.", parent).id
    return conv.id


def open_s(window, conversation_id: int) -> float:
    t0 = time.perf_counter()
    window.open_conversation(conversation_id)
    qt_app().processEvents()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    core = scripted_core()
    window = make_window(core, start=False)
    long_id, short_id = conversation(core, 600), conversation(core, 1)
    longs, shorts = [], []
    for _ in range(args.rounds):
        longs.append(open_s(window, long_id))
        shorts.append(open_s(window, short_id))
    long_s, short_s = statistics.median(longs), statistics.median(shorts)
    print(f"open 1,200 messages: median {long_s * 1000:.0f} ms (target <= 1500 ms)")
    print(f"open 2 messages:     median {short_s * 1000:.0f} ms")
    print(f"ratio long/short: {long_s / short_s:.2f}")


if __name__ == "__main__":
    main()
