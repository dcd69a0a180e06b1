"""Cost of one frame of streaming at the end of a long reply vs at its start.

Each sample appends a batch of tokens to the live reply the way the controller does each
tick (``TranscriptModel.append_live``), lets the view relayout if the row grew a step, and
repaints the viewport synchronously. Two windows stream side by side, frames alternating:
one whose reply is always in its first few hundred tokens, one whose reply is past 2,000
tokens, so a change in machine load hits both alike. Both show an earlier long answer, so
both paint a full viewport of text. Reported: median UI-thread CPU time per frame (and wall
time) for each; the ratio end/start should be <= 1.5 (no re-render of what is there).

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_ui_append.py [--batch 8]
"""

from __future__ import annotations

import argparse
import statistics
import time

from bench_ui_harness import essay_tokens, load_average, make_window, qt_app, scripted_core

RESTART_EVERY = 50  # frames: the "start" reply begins again, staying under ~400 tokens


def frame(window, text: str) -> tuple[float, float]:
    """(CPU ms, wall ms) of one streaming frame on the UI thread."""
    app = qt_app()
    c0, t0 = time.thread_time(), time.perf_counter()
    window.panel.model.append_live(text)
    app.processEvents()  # the delayed relayout, when the row crossed a height step
    window.panel.view.viewport().repaint()
    return (time.thread_time() - c0) * 1000, (time.perf_counter() - t0) * 1000


def prepared_window(core):
    """A window showing an earlier long answer, with a live reply just begun."""
    window = make_window(core, start=False)
    conv = core.history.create_conversation("Bench")
    user = core.history.add_message(conv.id, "user", "Tell me everything.")
    core.history.add_message(conv.id, "assistant", "".join(essay_tokens(1200)), user.id)
    window.open_conversation(conv.id)
    restart(window)
    return window


def restart(window) -> None:
    model = window.panel.model
    model.truncate(2)
    model.add_pending_user("Write at length.")
    model.begin_live()
    qt_app().processEvents()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=8, help="tokens per frame")
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    print(f"load average: {load_average()}")

    tokens = essay_tokens(2000 + args.batch * (args.samples + RESTART_EVERY))
    batches = ["".join(tokens[i : i + args.batch]) for i in range(0, len(tokens), args.batch)]
    core_start, core_end = scripted_core(tokens), scripted_core(tokens)
    start_w, end_w = prepared_window(core_start), prepared_window(core_end)
    long_in = 2000 // args.batch
    for batch in batches[:long_in]:  # the second reply is taken past 2,000 tokens
        end_w.panel.model.append_live(batch)
    qt_app().processEvents()

    start, end = [], []
    for i in range(args.samples):
        if i and i % RESTART_EVERY == 0:
            restart(start_w)
        start.append(frame(start_w, batches[i % RESTART_EVERY]))
        end.append(frame(end_w, batches[long_in + i]))

    for name, values in (("start", start), ("after 2,000", end)):
        cpu, wall = [v[0] for v in values], [v[1] for v in values]
        print(
            f"{name:<12} cpu median={statistics.median(cpu):6.3f} ms  "
            f"wall median={statistics.median(wall):6.3f} ms  max={max(wall):6.2f} ms"
        )
    ratio_cpu = statistics.median(v[0] for v in end) / statistics.median(v[0] for v in start)
    ratio_wall = statistics.median(v[1] for v in end) / statistics.median(v[1] for v in start)
    verdict = "OK" if ratio_cpu <= 1.5 else "OVER TARGET"
    print(f"ratio end/start: cpu {ratio_cpu:.2f}, wall {ratio_wall:.2f} (target <= 1.5) {verdict}")
    print(
        f"live replies: {len(start_w.panel.model.item(3).text):,} and "
        f"{len(end_w.panel.model.item(3).text):,} characters"
    )
    for window, core in ((start_w, core_start), (end_w, core_end)):
        window.close()
        core.close()


if __name__ == "__main__":
    main()
