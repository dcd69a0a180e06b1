"""Make a model worker end when the app that started it ends, however the app ends.

A worker left behind would hold gigabytes of model memory. Two guards: on Linux the kernel
kills the worker when the thread that started it exits (``PR_SET_PDEATHSIG``); everywhere,
a watch thread ends the worker once the parent process is gone.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

_PR_SET_PDEATHSIG = 1
WATCH_INTERVAL_S = 0.5


def _set_death_signal() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):  # an unusual libc: the watch thread still guards
        pass


def _parent_alive(parent_pid: int) -> bool:
    if os.name == "posix":
        return os.getppid() == parent_pid  # re-parented: the parent has exited
    import psutil

    return psutil.pid_exists(parent_pid)


def _watch(parent_pid: int) -> None:
    while True:
        time.sleep(WATCH_INTERVAL_S)
        if not _parent_alive(parent_pid):
            os._exit(0)


def tie_to_parent(parent_pid: int) -> None:
    """Call first thing in the worker; exits at once if the parent is already gone."""
    _set_death_signal()
    if not _parent_alive(parent_pid):
        os._exit(0)
    threading.Thread(target=_watch, args=(parent_pid,), name="parent-watch", daemon=True).start()
