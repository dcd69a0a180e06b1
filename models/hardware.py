"""What this llama.cpp build and this machine can do: GPU offload, free memory, free cores."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

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


def physical_cores() -> int:
    return psutil.cpu_count(logical=False) or psutil.cpu_count() or 2


def default_threads() -> int:
    """Physical cores are what llama.cpp decodes fastest with; leave one for the UI."""
    physical = physical_cores()
    return max(1, physical - 1) if physical > 4 else physical


# How long ``busy_cores`` watches the machine: long enough for the kernel's 10 ms ticks to
# tell a busy core from an idle one, short enough not to be felt before a reply.
SAMPLE_S = 0.06


def busy_cores(interval: float = SAMPLE_S) -> float:
    """Cores kept busy by *other* programs, measured over ``interval`` seconds.

    The machine's busy time minus this process's own (a turn that just ended must not
    count against the next), in cores: 1.0 is one core fully taken.
    """
    me = psutil.Process()
    before, own_before, t0 = psutil.cpu_times(), me.cpu_times(), time.perf_counter()
    time.sleep(interval)
    after, own_after, t1 = psutil.cpu_times(), me.cpu_times(), time.perf_counter()
    idle = (after.idle + getattr(after, "iowait", 0.0)) - (
        before.idle + getattr(before, "iowait", 0.0)
    )
    total = sum(after) - sum(before)
    if total <= 0:
        return 0.0
    n = psutil.cpu_count() or 1
    busy = (1.0 - idle / total) * n
    own = (own_after.user + own_after.system - own_before.user - own_before.system) / max(
        t1 - t0, 1e-6
    )
    return max(0.0, busy - own)


@dataclass(frozen=True)
class ThreadChoice:
    """Threads for one turn: ``batch`` for the prompt, ``decode`` for each new token."""

    decode: int
    batch: int
    busy: float  # cores other programs were using when it was chosen
    fixed: bool = False  # set by the user, not measured

    def describe(self) -> str:
        if self.fixed:
            return f"{self.decode} threads (set)"
        return f"{self.decode} decode / {self.batch} prompt threads ({self.busy:.1f} cores busy)"


def free_cores(busy: float | None = None) -> int:
    """Cores no other program is using now (at least 1), never more than the physical ones."""
    if busy is None:
        busy = busy_cores()
    logical = psutil.cpu_count() or 1
    # a core counts as taken once another program uses more than a third of it: llama.cpp's
    # threads wait for the slowest one at every step, and a shared core is a slow one
    taken = int(busy + 2 / 3)
    return max(1, min(physical_cores(), logical - taken))


def choose_threads(fixed: int | None = None, busy: float | None = None) -> ThreadChoice:
    """Threads for a turn: ``fixed`` when the user set a number, else from the free cores.

    Decoding runs one token at a time, and every step waits for its slowest thread: a thread
    on a core another program holds makes all of them wait, so decoding uses only free
    physical cores. The prompt is one large batch whose threads share the work dynamically,
    so it may also use the logical cores that are free (hyper-threads).
    """
    if fixed:
        return ThreadChoice(fixed, fixed, 0.0, fixed=True)
    if busy is None:
        busy = busy_cores()
    decode = free_cores(busy)
    logical = psutil.cpu_count() or 1
    batch = max(decode, logical - int(busy + 2 / 3))
    return ThreadChoice(decode, batch, busy)
