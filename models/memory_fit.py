"""The one memory estimate: weights + KV cache + runtime overhead, and whether it fits.

The loader refuses a model that cannot fit, the inspector prints the figure, and the model
library shows a badge for files not yet downloaded. All three must agree, so the arithmetic
lives here and nowhere else.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass

# llama.cpp's compute buffers and runtime, on top of weights and KV cache.
RUNTIME_OVERHEAD_BYTES = 150 * 1024 * 1024
DEFAULT_CTX = 4096
# Below this share of the free memory a model "fits"; up to all of it, it is "tight".
TIGHT_RATIO = 0.8

FITS, TIGHT, TOO_LARGE = "fits", "tight", "too_large"

# Bytes per cached K or V element: f16, or q8_0 (blocks of 32 int8 values + one f16 scale).
KV_CACHE_TYPES = {"f16": 2.0, "q8_0": 34 / 32}


def _kv_element_bytes(kv_cache: str) -> float:
    try:
        return KV_CACHE_TYPES[kv_cache]
    except KeyError:
        raise ValueError(f"unknown KV cache type {kv_cache!r}") from None


def kv_cache_bytes(
    n_layers: int | None,
    n_head_kv: int | None,
    head_dim: int | None,
    n_ctx: int,
    kv_cache: str = "f16",
) -> int:
    """Bytes of a K+V cache holding ``n_ctx`` tokens (0 when the shape is unknown)."""
    if not (n_layers and n_head_kv and head_dim):
        return 0
    return int(2 * n_layers * n_ctx * n_head_kv * head_dim * _kv_element_bytes(kv_cache))


def kv_cache_guess(weights_bytes: int, n_ctx: int, kv_cache: str = "f16") -> int:
    """For a model whose shape is unknown: a KV cache in proportion to its size.

    Grouped-query models of 1-14B spend roughly 25-130 KiB per token per GB of Q4 weights
    (f16 cache); take the upper side so that an unknown file is never called roomier than
    it is.
    """
    per_token = 96 * 1024 * max(weights_bytes, 1) / 1e9 * _kv_element_bytes(kv_cache) / 2
    return int(per_token * n_ctx)


@dataclass(frozen=True)
class MemoryEstimate:
    weights: int
    kv_cache: int
    overhead: int
    n_ctx: int

    @property
    def total(self) -> int:
        return self.weights + self.kv_cache + self.overhead


def estimate_memory(
    weights_bytes: int,
    n_ctx: int,
    n_layers: int | None = None,
    n_head_kv: int | None = None,
    head_dim: int | None = None,
    kv_cache: str = "f16",
) -> MemoryEstimate:
    """``kv_cache`` is the cache type the loader will use (``model.kv_cache``)."""
    if n_layers and n_head_kv and head_dim:
        kv = kv_cache_bytes(n_layers, n_head_kv, head_dim, n_ctx, kv_cache)
    else:
        kv = kv_cache_guess(weights_bytes, n_ctx, kv_cache)
    return MemoryEstimate(weights_bytes, kv, RUNTIME_OVERHEAD_BYTES, n_ctx)


@dataclass(frozen=True)
class FitReport:
    """``verdict`` is "fits", "tight" or "too_large"; the numbers say why."""

    verdict: str
    need: int
    ram_free: int
    vram_free: int | None
    offload: bool

    @property
    def available(self) -> int:
        gpu = (self.vram_free or 0) if self.offload else 0
        return self.ram_free + gpu

    def summary(self) -> str:
        gib = 2**30
        where = f"{self.ram_free / gib:.1f} GiB RAM free"
        if self.offload and self.vram_free:
            where += f" + {self.vram_free / gib:.1f} GiB GPU memory"
        label = {FITS: "fits", TIGHT: "tight", TOO_LARGE: "too large"}[self.verdict]
        return f"{label}: needs about {self.need / gib:.1f} GiB, {where}"


def assess_fit(
    need: int, ram_free: int, vram_free: int | None = None, offload: bool = False
) -> FitReport:
    """With offload the weights can spread over GPU and CPU memory; count both."""
    report = FitReport(FITS, need, ram_free, vram_free, offload)
    have = report.available
    if need <= have * TIGHT_RATIO:
        verdict = FITS
    elif need <= have:
        verdict = TIGHT
    else:
        verdict = TOO_LARGE
    return FitReport(verdict, need, ram_free, vram_free, offload)


def free_vram() -> int | None:
    """Free memory of the first NVIDIA GPU in bytes, when ``nvidia-smi`` can say; else None."""
    exe = shutil.which("nvidia-smi")
    if not exe:
        return None
    try:
        out = subprocess.run(
            [exe, "--query-gpu=memory.free", "--format=csv,noheader,nounits"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout
        return int(out.split()[0]) * 1024 * 1024
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None


def machine_fit(need: int) -> FitReport:
    """Assess against this machine now: free RAM, and GPU memory when the build offloads."""
    from fireside.models.hardware import available_memory, gpu_offload_supported

    offload = gpu_offload_supported()
    return assess_fit(need, available_memory(), free_vram() if offload else None, offload)
