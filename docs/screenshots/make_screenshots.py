"""Take the README screenshots from the real window on a virtual X display.

For each theme: a fresh FIRESIDE_HOME, the real program (``python -m desktop.launcher``),
a question typed with ``xdotool``, the bundled model's reply (greedy, so the same each
time), then ``import -window`` of the Fireside window. Needs xvfb, xdotool, imagemagick.

    .venv/bin/python docs/screenshots/make_screenshots.py
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

QUESTIONS = [
    "Show me a Python function that reverses a string, in a code block, then list two ways "
    "to test it.",
    "Now give me three tips for writing Python, as a bulleted list with **bold** keywords.",
]


def _x(args: list[str], env: dict, timeout: float = 60) -> str:
    return subprocess.run(args, env=env, capture_output=True, text=True,
                          timeout=timeout).stdout.strip()


def _replies(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            return conn.execute("SELECT count(*) FROM messages WHERE role = 'assistant' AND "
                                "status = 'complete'").fetchone()[0]
    except sqlite3.Error:
        return 0


def shoot(theme: str, out: Path) -> None:
    from fireside.assistant.settings import ModelSettings, Paths, Settings
    from fireside.models.bundled import default_model
    from fireside.models.sampling import SamplingParams

    home = Path(tempfile.mkdtemp(prefix=f"fireside-shot-{theme}-"))
    os.environ["FIRESIDE_HOME"] = str(home)
    paths = Paths.from_env().ensure()
    settings = Settings(theme=theme, n_threads=1)
    settings.set_model_settings(str(default_model().path), ModelSettings(
        sampling=SamplingParams(temperature=0.0, max_tokens=320, seed=1)))
    settings.save(paths)

    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0",
                             "1280x840x24", "-nolisten", "tcp", "-noreset"], pass_fds=(write_fd,))
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        display = ":" + pipe.readline().strip()
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    app = subprocess.Popen([sys.executable, "-m", "fireside.desktop.launcher"], cwd=ROOT, env=env)
    try:
        window = _x(["xdotool", "search", "--sync", "--onlyvisible", "--name", "Fireside"],
                    env).split()[0]
        _x(["xdotool", "windowmove", window, "0", "0"], env)
        _x(["xdotool", "windowfocus", "--sync", window], env)
        time.sleep(0.5)
        for number, question in enumerate(QUESTIONS, start=1):
            _x(["xdotool", "type", "--delay", "8", question], env)
            _x(["xdotool", "key", "Return"], env)
            deadline = time.monotonic() + 180
            while _replies(paths.history_db) < number and time.monotonic() < deadline:
                time.sleep(0.3)
        _x(["xdotool", "mousemove", "--window", window, "5", "400"], env)
        time.sleep(1.5)
        _x(["import", "-window", window, str(out)], env)
        print(f"wrote {out}")
        _x(["xdotool", "key", "--window", window, "ctrl+q"], env)
        app.wait(30)
    finally:
        if app.poll() is None:
            app.kill()
        xvfb.terminate()
        xvfb.wait(10)


def main() -> None:
    for theme in ("light", "dark"):
        shoot(theme, HERE / f"fireside-{theme}.png")


if __name__ == "__main__":
    main()
