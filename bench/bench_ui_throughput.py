"""Tokens/s of a reply streamed into the window vs a plain loop over ``engine.run``.

Same process, same loaded model (the bundled one unless --model), same prompt, greedy, the
same number of tokens; the two are alternated so drifts in machine load hit both. The plain
loop is what the command line does (minus printing). Reported: decode tokens/s as the
backend measures it, and end-to-end tokens/s (wall clock from send to the stored reply);
the window/plain ratio should be >= 0.97.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_ui_throughput.py \\
        [--model PATH] [--tokens 256] [--rounds 6] [--threads N]
"""

from __future__ import annotations

import argparse
import statistics
import time

from bench_ui_harness import load_average, make_window, qt_app, wait_until

PROMPT = "Write a long, detailed essay about the history of lighthouses."


def plain_turn(core, path: str) -> tuple[float, float]:
    from fireside.assistant.events import TurnDone
    from fireside.assistant.turn_request import TurnRequest

    t0 = time.perf_counter()
    done = None
    # tools as the command line and the window offer them (the request's default)
    for event in core.engine.run(TurnRequest(PROMPT, model=path)):
        if isinstance(event, TurnDone):
            done = event
    wall = time.perf_counter() - t0
    return done.timings.tokens_per_s, done.usage.completion_tokens / wall


def window_turn(window) -> tuple[float, float]:
    from PySide6.QtCore import QEventLoop

    loop = QEventLoop()
    result = []
    panel = window.panel

    def finished(done) -> None:
        result.append(done)
        loop.quit()

    panel.turn_done.connect(finished)
    panel.new_chat()
    t0 = time.perf_counter()
    panel.composer.box.setPlainText(PROMPT)
    panel.composer.submit()
    loop.exec()  # the real event loop, painting the reply as it streams
    wall = time.perf_counter() - t0
    panel.turn_done.disconnect(finished)
    wait_until(lambda: not panel.controller.busy)
    done = result[0]
    return done.timings.tokens_per_s, done.usage.completion_tokens / wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model")
    parser.add_argument("--tokens", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--threads", type=int, help="llama.cpp threads (default: the app's)")
    args = parser.parse_args()
    print(f"load average: {load_average()}")

    from fireside.assistant.app import build_app
    from fireside.assistant.settings import ModelSettings
    from fireside.models.sampling import SamplingParams

    qt_app()
    core = build_app()
    path = core.models.resolve_path(args.model)
    sampling = SamplingParams(temperature=0.0, max_tokens=args.tokens, seed=1, stop=[])

    def change(settings) -> None:
        if args.threads:
            settings.model.n_threads = args.threads
        settings.model.path = args.model
        settings.set_model_settings(path, ModelSettings(sampling=sampling))

    core.settings_store.update(change)
    window = make_window(core)
    wait_until(lambda: not window.models.loader.busy)
    backend = core.models.get(path)
    print(
        f"model: {core.models.describe(path)}, {backend.description.device}, "
        f"{args.tokens} tokens per reply"
    )
    plain_turn(core, path)  # warm-up: prompt into the KV cache for both
    window_turn(window)

    plain, shown = [], []
    for i in range(args.rounds):  # ABBA order: a drift in machine load hits both alike
        if i % 2 == 0:
            plain.append(plain_turn(core, path))
            shown.append(window_turn(window))
        else:
            shown.append(window_turn(window))
            plain.append(plain_turn(core, path))
    for name, runs in (("plain loop", plain), ("window", shown)):
        decode = [r[0] for r in runs]
        wall = [r[1] for r in runs]
        print(
            f"{name:<11} decode {statistics.median(decode):6.1f} tok/s "
            f"(runs {', '.join(f'{d:.1f}' for d in decode)})  end-to-end "
            f"{statistics.median(wall):6.1f} tok/s"
        )
    ratio = statistics.median(r[0] for r in shown) / statistics.median(r[0] for r in plain)
    ratio_wall = statistics.median(r[1] for r in shown) / statistics.median(r[1] for r in plain)
    print(
        f"window/plain: decode {ratio:.3f}, end-to-end {ratio_wall:.3f} (target >= 0.97) "
        f"{'OK' if ratio >= 0.97 else 'UNDER TARGET'}"
    )
    print(f"load average: {load_average()}")
    window.close()
    core.close()


if __name__ == "__main__":
    main()
