"""Loads the CPU code of a portable llama.cpp build, picked for the CPU it runs on.

The installers ship llama.cpp built with ``GGML_BACKEND_DL`` and ``GGML_CPU_ALL_VARIANTS``
(``installer/build-llama-portable.sh``): the CPU backend is a set of libraries, one per
instruction-set level (``libggml-cpu-haswell.so``, ``…-icelake.so``, …), and ggml loads the
best one the CPU supports. ggml looks for them beside the executable and in the working
directory only, and the executable of a Python app is the interpreter (or the frozen app's
launcher), so without help it finds none and no model can load ("no backends are loaded").
``ensure_backends`` points ggml at llama-cpp-python's own ``lib`` folder once per process,
before the first model loads. A build with one CPU backend compiled in (pip's default)
needs nothing, and this does nothing.
"""

from __future__ import annotations

import ctypes
import logging
import threading
from pathlib import Path

log = logging.getLogger(__name__)

# ggml's backend registry is one per process, so the lock that guards registering is too
_lock = threading.Lock()


def library_dir() -> Path:
    """llama-cpp-python's folder of shared libraries (inside the frozen app too)."""
    import llama_cpp

    return Path(llama_cpp.__file__).resolve().parent / "lib"


def cpu_variants(lib_dir: Path | None = None) -> list[str]:
    """The CPU variants a portable build ships (empty for a single-backend build)."""
    folder = lib_dir or library_dir()
    names = set()
    for path in folder.glob("*ggml-cpu-*"):
        stem = path.name.split(".")[0]
        names.add(stem.split("ggml-cpu-", 1)[1])
    return sorted(names)


def ensure_backends() -> bool:
    """Register ggml's dynamically loaded backends; True when this build has them."""
    folder = library_dir()
    if not cpu_variants(folder):
        return False
    from fireside.models import llama_log

    llama_log.install()  # ggml reports each backend it loads on stderr otherwise
    libggml = _ggml_as_linked(folder)
    with _lock:
        if libggml.ggml_backend_reg_count() == 0:
            libggml.ggml_backend_load_all_from_path.argtypes = [ctypes.c_char_p]
            libggml.ggml_backend_load_all_from_path.restype = None
            libggml.ggml_backend_load_all_from_path(str(folder).encode())
            log.info("llama.cpp backends loaded from %s", folder)
    return True


def _ggml_as_linked(folder: Path) -> ctypes.CDLL:
    """libggml as libllama loads it: by its versioned name (``libggml.so.0``).

    A wheel holds ``libggml.so``, ``libggml.so.0`` and ``libggml.so.0.25.3`` as three copies
    (zip files have no symlinks). Each copy loaded is a library of its own with its own list
    of backends, so the backends must be registered in the one libllama uses.
    """
    for pattern in ("libggml.so.*", "libggml.*.dylib"):
        versioned = sorted(folder.glob(pattern), key=lambda p: len(p.name))
        if versioned:
            return ctypes.CDLL(str(versioned[0]))
    for name in ("libggml.so", "libggml.dylib", "ggml.dll"):
        if (folder / name).exists():
            return ctypes.CDLL(str(folder / name))
    from llama_cpp import _ggml

    return _ggml.libggml


def loaded_cpu_variant() -> str | None:
    """The CPU variant ggml chose for this process (Linux: read from the process's maps)."""
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return None
    for line in maps.splitlines():
        name = line.rsplit("/", 1)[-1]
        if "ggml-cpu-" in name:
            return name.split("ggml-cpu-", 1)[1].split(".")[0]
    return None
