"""Start to visible window: the frozen app against the same code run from the venv.

Both start on one virtual X display (Xvfb), with the same fresh HOME (so the same first-run
settings), alternating frozen and venv starts so machine load hits both alike; each is
timed from process start until ``xdotool search --sync --onlyvisible`` sees the window,
then the app is closed. One start of each is made first and not counted (cold disk cache).
Prints the medians and frozen / venv (target <= 1.2).

    python bench/bench_frozen_start.py [APP]     (default: build/dist/fireside/fireside)
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def start_xvfb() -> tuple[subprocess.Popen, str]:
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        return xvfb, ":" + pipe.readline().strip()


def time_to_window(command: list[str], env: dict) -> float:
    t0 = time.perf_counter()
    app = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        subprocess.run(
            ["xdotool", "search", "--sync", "--onlyvisible", "--name", "Fireside"],
            env=env,
            capture_output=True,
            timeout=120,
            check=True,
        )
        return time.perf_counter() - t0
    finally:
        app.terminate()
        app.wait(60)


def main(argv: list[str]) -> int:
    frozen = Path(argv[0]) if argv else ROOT / "build" / "dist" / "fireside" / "fireside"
    if not frozen.is_file():
        print(f"bench_frozen_start: no frozen app at {frozen} (bash installer/build-linux.sh)")
        return 2
    xvfb, display = start_xvfb()
    try:
        with tempfile.TemporaryDirectory() as home:
            base = {"HOME": home, "LANG": "C.UTF-8", "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
            frozen_env = {**base, "PATH": "/usr/bin:/bin"}
            venv_env = {**base, "PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT)}
            venv = [sys.executable, "-m", "fireside.launcher"]
            time_to_window([str(frozen)], frozen_env)
            time_to_window(venv, venv_env)
            frozen_s, venv_s = [], []
            for _ in range(3):
                frozen_s.append(time_to_window([str(frozen)], frozen_env))
                venv_s.append(time_to_window(venv, venv_env))
    finally:
        xvfb.terminate()
    f, v = statistics.median(frozen_s), statistics.median(venv_s)
    print(
        "frozen start to window, s: "
        + ", ".join(f"{s:.2f}" for s in frozen_s)
        + f"  (median {f:.2f})"
    )
    print(
        "venv   start to window, s: "
        + ", ".join(f"{s:.2f}" for s in venv_s)
        + f"  (median {v:.2f})"
    )
    print(f"frozen / venv: {f / v:.2f}  (target <= 1.2)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
