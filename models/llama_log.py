"""Route llama.cpp's C-level log into Python, quietly.

llama.cpp writes its own messages to stderr, which would break the rule that a failure is
one readable line. Messages are kept in a short ring buffer instead (the last error becomes
the cause in ``ModelError``), and printed only when ``FIRESIDE_DEBUG`` is set.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections import deque

_ERROR_LEVEL = 3
_recent: deque[tuple[int, str]] = deque(maxlen=200)
_callback = None  # keep a reference: the C side holds only a pointer


def install() -> None:
    global _callback
    if _callback is not None:
        return
    import llama_cpp
    import llama_cpp.llama as llama_module

    debug = bool(os.environ.get("FIRESIDE_DEBUG"))

    @llama_cpp.llama_log_callback
    def _on_log(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
        message = text.decode("utf-8", errors="replace")
        _recent.append((level, message))
        if debug:
            print(message, end="", file=sys.stderr, flush=True)

    _callback = _on_log
    llama_cpp.llama_log_set(_callback, ctypes.c_void_p(0))
    # Llama() would re-point the logger at stderr; our callback already decides.
    llama_module.set_verbose = lambda verbose: None


def last_error() -> str | None:
    for level, message in reversed(_recent):
        if level == _ERROR_LEVEL and message.strip():
            return message.strip()
    return None


def clear() -> None:
    _recent.clear()
