"""What this llama.cpp build and this machine can do: GPU offload, free memory."""

from __future__ import annotations

import logging

import psutil

log = logging.getLogger(__name__)


def gpu_offload_supported() -> bool:
    """True when the installed llama-cpp-python was built with CUDA, Metal or Vulkan."""
    try:
        import llama_cpp
        from fireside.models.llama_runtime import ensure_backends

        ensure_backends()  # a portable build registers its backends (GPU ones too) first
        return bool(llama_cpp.llama_supports_gpu_offload())
    except Exception:
        log.debug("GPU offload support could not be queried", exc_info=True)
        return False


def resolve_gpu_layers(requested: int | str | None, n_layers: int | None) -> int:
    """Turn "auto" / None / a number into the layer count passed to llama.cpp.

    "auto" offloads every layer when the build supports it, else none.
    """
    if requested in (None, "auto"):
        if not gpu_offload_supported():
            return 0
        return (n_layers or 0) + 1 if n_layers else -1
    value = int(requested)
    if value < 0:
        return -1 if gpu_offload_supported() else 0
    return value if gpu_offload_supported() else 0


def available_memory() -> int:
    """Bytes of RAM that a new model could use without swapping."""
    return int(psutil.virtual_memory().available)


def default_threads() -> int:
    """Physical cores are what llama.cpp decodes fastest with; leave one for the UI."""
    physical = psutil.cpu_count(logical=False) or psutil.cpu_count() or 2
    return max(1, physical - 1) if physical > 4 else physical
