"""Turn the way a model worker process ended into one line a user can act on.

A native crash inside llama.cpp cannot be caught in Python; the only evidence is the exit
status of the process it killed. The signal says a lot about the cause (an instruction the
CPU lacks, memory, a damaged file), so each gets its own advice.
"""

from __future__ import annotations

import signal
from pathlib import Path

from fireside.models.errors import ModelError

NO_AMX_FLAGS = "-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
REBUILD = (
    "rebuild llama-cpp-python for this CPU: pip cache remove llama_cpp_python, then "
    f"CMAKE_ARGS=\"-DCMAKE_C_FLAGS='{NO_AMX_FLAGS}' -DCMAKE_CXX_FLAGS='{NO_AMX_FLAGS}'\" "
    "pip install --force-reinstall --no-cache-dir llama-cpp-python (see the README)"
)

_ADVICE = {
    "SIGILL": (
        "illegal instruction: this llama.cpp build uses CPU instructions that fail here "
        "(often AMX on Intel Xeons); " + REBUILD
    ),
    "SIGKILL": (
        "killed, most likely by the system for lack of memory; close other programs, "
        "or choose a smaller model or a shorter context"
    ),
    "SIGSEGV": (
        "segmentation fault inside llama.cpp: the model file may be damaged or not supported "
        "by this llama.cpp version; send the message again, and if it keeps happening "
        "re-download the model or update llama-cpp-python"
    ),
    "SIGBUS": (
        "bus error: the model file changed or became unreadable while in use; "
        "check the disk and send the message again"
    ),
    "SIGABRT": (
        "aborted by a failed check inside llama.cpp (often out of memory or a model this "
        "llama.cpp version does not support); send the message again, and if it keeps "
        "happening choose a shorter context or update llama-cpp-python"
    ),
    "SIGFPE": (
        "arithmetic fault inside llama.cpp (a damaged model or a bad build); "
        "re-download the model or update llama-cpp-python"
    ),
    "SIGTERM": "stopped by another program; send the message again",
}


class WorkerCrashedError(ModelError):
    """The model worker process died; ``signal_name`` is e.g. ``"SIGSEGV"`` (None: exit code)."""

    def __init__(
        self,
        path: str | Path | None,
        cause: str,
        signal_name: str | None = None,
        exit_code: int | None = None,
    ) -> None:
        self.signal_name = signal_name
        self.exit_code = exit_code
        super().__init__(path, cause)

    def __reduce__(self):
        return (self.__class__, (self.path, self.cause, self.signal_name, self.exit_code))


def signal_name(exit_code: int | None) -> str | None:
    """``-11`` (how ``multiprocessing`` reports a signal) -> ``"SIGSEGV"``."""
    if exit_code is None or exit_code >= 0:
        return None
    try:
        return signal.Signals(-exit_code).name
    except ValueError:
        return f"signal {-exit_code}"


def crash_error(path: str | Path | None, exit_code: int | None, phase: str) -> WorkerCrashedError:
    """The error for a worker that ended with ``exit_code`` while doing ``phase``.

    ``phase`` is ``"load"``, ``"warm-up"`` (the first tiny decode after loading) or
    ``"reply"``. A crash during the warm-up points at the build, whatever the signal.
    """
    name = signal_name(exit_code)
    where = {
        "load": "while loading the model",
        "warm-up": "on its first test decode",
        "reply": "mid-reply",
    }.get(phase, phase)
    if name is not None:
        advice = _ADVICE.get(name, "a crash inside llama.cpp; send the message again")
        if phase == "warm-up" and name != "SIGILL" and name != "SIGKILL":
            advice += f"; if it happens on every start, {REBUILD}"
        cause = f"the model worker died {where} with {name} ({advice})"
    elif exit_code is None:
        cause = f"the model worker stopped answering {where}; send the message again"
    else:
        cause = f"the model worker exited {where} with code {exit_code}; send the message again"
    return WorkerCrashedError(path, cause, name, exit_code)
