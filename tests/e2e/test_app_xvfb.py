"""The real ``fireside`` program on a virtual X display, driven by real key presses.

Starts ``Xvfb``, launches the installed console script with no arguments (the window), types
a message with ``xdotool``, waits until the reply is stored in the history database under
FIRESIDE_HOME, takes a screenshot of the screen and quits with Ctrl+Q.

Needs Debian's ``xvfb xdotool imagemagick`` and the libraries of Qt's xcb platform plugin
(``libxcb-cursor0`` and friends); skips with the reason when they are missing.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fireside.assistant.settings import ModelSettings, Paths, Settings
from fireside.assistant.settings_store import SettingsStore
from fireside.models.bundled import default_model
from fireside.models.sampling import SamplingParams

from tests.x11 import virtual_display, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _run(args: list[str], env: dict, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def display():
    yield from virtual_display("1280x820x24")


def _fireside_command() -> list[str]:
    """The installed ``fireside`` script when it is current, else the same entry point."""
    script = Path(sys.executable).with_name("fireside")
    if script.exists() and "fireside.launcher" in script.read_text(errors="replace"):
        return [str(script)]
    return [sys.executable, "-m", "fireside.launcher"]


def _prepare_home(home: Path) -> Paths:
    """Short greedy replies from the bundled model, so the test is quick and stable."""
    os.environ["FIRESIDE_HOME"] = str(home)
    paths = Paths.from_env().ensure()
    sampling = SamplingParams(temperature=0.0, max_tokens=24, seed=1)

    def change(settings: Settings) -> None:
        settings.model.n_threads = 1
        settings.window.theme = "light"
        settings.set_model_settings(
            str(default_model().path), ModelSettings(n_ctx=1024, sampling=sampling)
        )

    SettingsStore(paths.settings_file).update(change)
    return paths


def _stored_reply(db: Path) -> tuple[str, str] | None:
    if not db.exists():
        return None
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            row = conn.execute(
                "SELECT content, status FROM messages WHERE role = 'assistant' "
                "AND status != 'streaming' ORDER BY id DESC LIMIT 1"
            ).fetchone()
    except sqlite3.Error:
        return None
    return row


def test_type_a_message_into_the_real_window_and_get_a_stored_reply(display, tmp_path):
    paths = _prepare_home(tmp_path / "home")
    env = {
        **os.environ,
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",
        "FIRESIDE_HOME": str(tmp_path / "home"),
    }
    probe = _run(
        [sys.executable, "-c", "from PySide6.QtWidgets import QApplication; QApplication([])"], env
    )
    if probe.returncode != 0:
        pytest.skip(
            "Qt cannot open the X display (xcb plugin libraries missing?): "
            + probe.stderr.strip().splitlines()[-1]
        )

    log = (tmp_path / "fireside.log").open("w")
    app = subprocess.Popen(_fireside_command(), env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        found = _run(
            ["xdotool", "search", "--sync", "--onlyvisible", "--name", "Fireside"], env, timeout=60
        )
        window = found.stdout.split()[0]
        _run(["xdotool", "windowfocus", "--sync", window], env)
        time.sleep(0.5)
        _run(["xdotool", "type", "--delay", "25", "Hello from the keyboard"], env)
        _run(["xdotool", "key", "Return"], env)

        reply = wait_for(lambda: _stored_reply(paths.history_db), 120, "the stored reply")
        content, status = reply
        assert status == "complete" and content.strip()
        with sqlite3.connect(f"file:{paths.history_db}?mode=ro", uri=True) as conn:
            user = conn.execute("SELECT content FROM messages WHERE role = 'user'").fetchone()
        assert user == ("Hello from the keyboard",)

        time.sleep(1.0)  # let the finished reply paint
        shot = tmp_path / "window.png"
        _run(["import", "-window", "root", str(shot)], env)
        assert shot.stat().st_size > 10_000
        colours = int(_run(["identify", "-format", "%k", str(shot)], env).stdout or 0)
        assert colours > 50, "the screenshot is nearly blank"
        title = _run(["xdotool", "getwindowname", window], env).stdout.strip()
        assert title.startswith("Hello from the keyboard")

        _run(["xdotool", "key", "--window", window, "ctrl+q"], env)
        assert app.wait(30) == 0
    finally:
        if app.poll() is None:
            app.kill()
            app.wait(10)
        log.close()
