"""Take the README screenshots from the real window on a virtual X display.

For each theme: a fresh FIRESIDE_HOME, the real program (``python -m
fireside.launcher``), a question typed with ``xdotool``, the bundled model's reply
(greedy, so the same each time), then ``import -window`` of the Fireside window.

In Chinese the program runs with ``LANG=zh_CN.UTF-8`` or ``zh_TW.UTF-8`` (the system locale
chooses the language, as it does for a user): the main window after a reply, then each
dialog the keyboard reaches (settings, documents, plugins, open a model, about, delete a
chat, the library, MCP servers, the local API server, remote connections), shot over the whole
1280x800 screen so clipped or overlapping text shows. Needs xvfb,
xdotool, imagemagick and a CJK font (Debian: fonts-wqy-microhei).

    python docs/screenshots/make_screenshots.py                # everything
    python docs/screenshots/make_screenshots.py zh_CN zh_TW    # only these
    python docs/screenshots/make_screenshots.py dialogs        # every dialog, en, zh_CN, zh_TW

``dialogs`` runs the window walk (``tests/desktop/test_window_walk.py``) at 1280x800, which
opens every menu action's dialog and every tab in English, Simplified and Traditional
Chinese, and keeps a picture of each as it opens, in ``docs/screenshots/dialogs/``.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

QUESTIONS = [
    "Show me a Python function that reverses a string, in a code block, then list two ways "
    "to test it.",
    "Now give me three tips for writing Python, as a bulleted list with **bold** keywords.",
]
CHINESE_QUESTIONS = {
    "zh_CN": ["用 Python 写一个反转字符串的函数，放在代码块里。"],
    "zh_TW": ["用 Python 寫一個反轉字串的函式，放在程式碼區塊裡。"],
}
# (file name, keys that open it, keys that close it); shot while it is open
DIALOGS = [
    ("settings", ["ctrl+comma"], ["Escape"]),
    ("documents", ["ctrl+d"], ["ctrl+d"]),
    ("plugins", ["ctrl+shift+p"], ["Escape"]),
    ("open-model", ["ctrl+o"], ["Escape"]),
    ("about", ["alt+h", "Return"], ["Escape"]),
    ("chat-menu", ["alt+c"], ["Escape"]),
    ("delete-chat", ["ctrl+k", "Tab", "Down", "Delete"], ["Escape"]),
    ("library", ["ctrl+l"], ["Escape"]),
    # menus opened from the keyboard start on their first item
    ("mcp", ["alt+t", "Down", "Down", "Return"], ["Escape"]),
    ("api", ["alt+t", "Down", "Down", "Down", "Return"], ["Escape"]),
    ("remote", ["alt+m", "Down", "Down", "Return"], ["Escape"]),
]


def _x(args: list[str], env: dict, timeout: float = 60) -> str:
    return subprocess.run(
        args, env=env, capture_output=True, text=True, timeout=timeout
    ).stdout.strip()


def _replies(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            return conn.execute(
                "SELECT count(*) FROM messages WHERE role = 'assistant' AND status = 'complete'"
            ).fetchone()[0]
    except sqlite3.Error:
        return 0


@contextmanager
def running_app(theme: str, language_env: dict | None = None):
    """The real program on a fresh virtual display; yields (env, window id, paths)."""
    from fireside.assistant.settings import ModelSettings, Paths, Settings
    from fireside.assistant.settings_store import SettingsStore
    from fireside.models.bundled import default_model
    from fireside.models.sampling import SamplingParams

    home = Path(tempfile.mkdtemp(prefix=f"fireside-shot-{theme}-"))
    os.environ["FIRESIDE_HOME"] = str(home)
    paths = Paths.from_env().ensure()

    def change(settings: Settings) -> None:
        settings.window.theme = theme
        settings.model.n_threads = 1
        settings.set_model_settings(
            str(default_model().path),
            ModelSettings(sampling=SamplingParams(temperature=0.0, max_tokens=320, seed=1)),
        )

    SettingsStore(paths.settings_file).update(change)

    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(
        [
            "Xvfb",
            "-displayfd",
            str(write_fd),
            "-screen",
            "0",
            "1280x840x24",
            "-nolisten",
            "tcp",
            "-noreset",
        ],
        pass_fds=(write_fd,),
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        display = ":" + pipe.readline().strip()
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    app_env = dict(env)  # xdotool keeps this machine's locale: it may lack the app's
    if language_env:
        for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
            app_env.pop(name, None)
        app_env.update(language_env)
    app = subprocess.Popen([sys.executable, "-m", "fireside.launcher"], cwd=ROOT, env=app_env)
    try:
        window = _x(
            ["xdotool", "search", "--sync", "--onlyvisible", "--name", "Fireside"], env
        ).split()[0]
        _x(["xdotool", "windowmove", window, "0", "0"], env)
        _x(["xdotool", "windowfocus", "--sync", window], env)
        time.sleep(1.0)  # until the message box has the focus the window gives it
        yield env, window, paths
        _x(["xdotool", "windowfocus", "--sync", window], env)
        _x(["xdotool", "key", "--window", window, "ctrl+q"], env)
        try:
            app.wait(30)
        except subprocess.TimeoutExpired:
            print("the window did not close on Ctrl+Q; stopped it", file=sys.stderr)
    finally:
        if app.poll() is None:
            app.kill()
        xvfb.terminate()
        xvfb.wait(10)


def ask(env: dict, paths, questions: list[str], delay_ms: int = 8) -> None:
    """Type and send each question, waiting for its reply. Characters outside the keymap
    (Chinese) need a slower pace: xdotool remaps a key for each, and the X server drops a
    key pressed before the new mapping arrives."""
    for number, question in enumerate(questions, start=1):
        _x(["xdotool", "type", "--delay", str(delay_ms), question], env, timeout=180)
        _x(["xdotool", "key", "Return"], env)
        deadline = time.monotonic() + 180
        while _replies(paths.history_db) < number and time.monotonic() < deadline:
            time.sleep(0.3)


def shoot(theme: str, out: Path) -> None:
    with running_app(theme) as (env, window, paths):
        ask(env, paths, QUESTIONS)
        _x(["xdotool", "mousemove", "--window", window, "5", "400"], env)
        time.sleep(1.5)
        _x(["import", "-window", window, str(out)], env)
        print(f"wrote {out}")


def shoot_chinese(language: str, dialogs: bool) -> None:
    """The main window in ``language`` after a reply, and its dialogs when ``dialogs``."""
    with running_app("light", {"LANG": f"{language}.UTF-8"}) as (env, window, paths):
        ask(env, paths, CHINESE_QUESTIONS[language], delay_ms=120)
        _x(["xdotool", "mousemove", "--window", window, "5", "400"], env)
        time.sleep(1.5)
        out = HERE / f"{language}-main.png"
        _x(["import", "-window", window, str(out)], env)
        print(f"wrote {out}")
        if not dialogs:
            return
        for name, opening, closing in DIALOGS:
            _x(["xdotool", "windowfocus", "--sync", window], env)
            for key in opening:
                _x(["xdotool", "key", key], env)
                time.sleep(0.4)
            time.sleep(1.5)  # the documents panel opens its store, dialogs lay out
            out = HERE / f"{language}-{name}.png"
            _x(["import", "-window", "root", "-crop", "1280x800+0+0", str(out)], env)
            print(f"wrote {out}")
            for key in closing:
                _x(["xdotool", "key", key], env)
            time.sleep(0.5)


def shoot_dialogs() -> None:
    out = HERE / "dialogs"
    out.mkdir(exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    env = {**os.environ, "FIRESIDE_WALK_SHOTS": str(out)}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/desktop/test_window_walk.py",
            "-k",
            "1280x800",
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    print(f"wrote {len(list(out.glob('*.png')))} pictures in {out}")


def main(argv: list[str]) -> None:
    wanted = argv or ["light", "dark", "zh_CN", "zh_TW", "dialogs"]
    for name in wanted:
        if name == "dialogs":
            shoot_dialogs()
        elif name in ("light", "dark"):
            shoot(name, HERE / f"{name}.png")
        elif name in CHINESE_QUESTIONS:
            shoot_chinese(name, dialogs=name == "zh_CN")
        else:
            raise SystemExit(
                f"make_screenshots.py: unknown shot {name!r} (light, dark, zh_CN, zh_TW, dialogs)"
            )


if __name__ == "__main__":
    main(sys.argv[1:])
