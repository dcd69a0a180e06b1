"""Shared set-up for the window benchmarks (not a benchmark itself).

A private FIRESIDE_HOME, the real window over a real ``App`` (optionally with a scripted
model that streams as fast as Python can), and a recorder of event-loop gaps: a precise
2 ms timer whose late ticks are exactly the stalls a user would feel.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("FIRESIDE_HOME", tempfile.mkdtemp(prefix="fireside-bench-"))

from PySide6.QtCore import QElapsedTimer, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

TICK_MS = 2


def qt_app() -> QApplication:
    return QApplication.instance() or QApplication(["bench"])


def load_average() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


class GapRecorder:
    """Ticks every ``TICK_MS``; the time between ticks beyond that is UI-thread stall."""

    def __init__(self) -> None:
        self.gaps_ms: list[float] = []
        self._clock = QElapsedTimer()
        self._last = 0
        self._timer = QTimer(interval=TICK_MS, timerType=Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.gaps_ms.clear()
        self._clock.start()
        self._last = self._clock.nsecsElapsed()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = self._clock.nsecsElapsed()
        self.gaps_ms.append((now - self._last) / 1e6)
        self._last = now

    def summary(self) -> dict[str, float]:
        gaps = sorted(self.gaps_ms) or [0.0]
        p99 = gaps[min(len(gaps) - 1, int(len(gaps) * 0.99))]
        return {
            "ticks": len(gaps),
            "max_ms": gaps[-1],
            "p99_ms": p99,
            "median_ms": statistics.median(gaps),
        }


def wait_until(predicate, timeout_s: float = 300.0) -> None:
    app = qt_app()
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("benchmark step timed out")
        app.processEvents()
        time.sleep(0.001)


def make_window(app_core, start: bool = True):
    from fireside.desktop.main import create_window

    qt_app()
    window = create_window(app_core)
    window.resize(1180, 780)
    window.show()
    qt_app().processEvents()
    if start:
        window.start()
    return window


def scripted_core(tokens: list[str] | None = None, rate: float | None = None):
    """The real ``App`` with a model that streams ``tokens`` at ``rate`` tokens/s (or as
    fast as Python can, when ``rate`` is None)."""
    from fireside.assistant.app import build_app

    from tests.scripted_backend import ScriptedBackend

    core = build_app()
    manager = core.models

    def get(path=None, options=None):
        manager._backend = ScriptedBackend(
            manager.resolve_path(path), tokens, n_ctx=8192, tokens_per_s=rate
        )
        return manager._backend

    manager.get = get
    return core


def essay_tokens(n: int) -> list[str]:
    """Word-sized tokens with Markdown paragraphs and a code block now and then."""
    words = [
        "the",
        "model",
        "writes",
        "a",
        "steady",
        "stream",
        "of",
        "ordinary",
        "words",
        "about",
        "rivers",
        "and",
        "stone",
        "bridges",
        "while",
    ]
    out: list[str] = []
    for i in range(n):
        if i % 60 == 59:
            out.append("\n\n")
        elif i % 400 == 200:
            out.append("\n```python\nprint('hello')\n```\n")
        else:
            out.append(" " + words[i % len(words)])
    return out
