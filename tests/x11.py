"""A virtual X display for tests that run the real program, and polling for its results."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest

X_TOOLS = ("Xvfb", "xdotool", "import", "identify")


def virtual_display(size: str = "1280x800x24") -> Iterator[str]:
    """Start Xvfb on a free display number; yields ``":N"``; skips without the X tools."""
    missing = [t for t in X_TOOLS if shutil.which(t) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (apt-get install xvfb xdotool imagemagick)")
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", size, "-nolisten", "tcp", "-noreset"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    if not number:
        xvfb.kill()
        pytest.skip("Xvfb did not start")
    try:
        yield f":{number}"
    finally:
        xvfb.terminate()
        xvfb.wait(10)


def wait_for(predicate, timeout: float, what: str):
    """Poll ``predicate`` until it returns something true; that value is returned."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")
