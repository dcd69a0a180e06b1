"""Cost of one frame of streaming at the end of a long reply vs at its start.

Each sample appends a batch of tokens to the live reply the way the controller does each
tick (``TranscriptModel.append_live``), lets the view relayout if the row grew a step, and
repaints the viewport synchronously. Reported: median and mean cost per batch for the
first batches of a reply and for batches after 2,000 tokens; the ratio should be <= 1.5
(appending must not get slower as the reply grows: no re-render of what is there).

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_ui_append.py [--batch 8]
"""

from __future__ import annotations

import argparse
import statistics
import time

from bench_ui_harness import essay_tokens, load_average, make_window, qt_app, scripted_core


def frame(window, text: str) -> float:
    app = qt_app()
    t0 = time.perf_counter()
    window.panel.model.append_live(text)
    app.processEvents()  # the delayed relayout, when the row crossed a height step
    window.panel.view.viewport().repaint()
    return (time.perf_counter() - t0) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=8, help="tokens per frame")
    parser.add_argument("--samples", type=int, default=120)
    args = parser.parse_args()
    print(f"load average: {load_average()}")

    tokens = essay_tokens(2000 + args.batch * args.samples * 2)
    core = scripted_core(tokens)
    window = make_window(core, start=False)
    panel = window.panel
    # an earlier long answer fills the window, as in any real chat: both phases then
    # paint a full viewport of text, and only the length of the live reply differs
    earlier = "".join(essay_tokens(1200))
    conv = core.history.create_conversation("Bench")
    user = core.history.add_message(conv.id, "user", "Tell me everything.")
    core.history.add_message(conv.id, "assistant", earlier, user.id)
    window.open_conversation(conv.id)
    qt_app().processEvents()
    panel.model.add_pending_user("Write at length.")
    panel.model.begin_live()
    qt_app().processEvents()

    batches = ["".join(tokens[i : i + args.batch]) for i in range(0, len(tokens), args.batch)]
    start = [frame(window, b) for b in batches[: args.samples]]
    sent = args.samples * args.batch
    while sent < 2000:
        panel.model.append_live(batches[sent // args.batch])
        sent += args.batch
        if sent % 400 == 0:
            qt_app().processEvents()
    qt_app().processEvents()
    first = 2000 // args.batch
    end = [frame(window, b) for b in batches[first : first + args.samples]]

    for name, values in (("start", start), ("after 2,000", end)):
        print(
            f"{name:<12} median={statistics.median(values):6.3f} ms  "
            f"mean={statistics.mean(values):6.3f} ms  max={max(values):6.2f} ms"
        )
    ratio_median = statistics.median(end) / statistics.median(start)
    ratio_mean = statistics.mean(end) / statistics.mean(start)
    verdict = "OK" if ratio_median <= 1.5 else "OVER TARGET"
    print(
        f"ratio end/start: median {ratio_median:.2f}, mean {ratio_mean:.2f} "
        f"(target <= 1.5) {verdict}"
    )
    print(f"live reply: {len(panel.model.item(3).text):,} characters")
    window.close()
    core.close()


if __name__ == "__main__":
    main()
