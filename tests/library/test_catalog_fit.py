"""The shipped catalog and the one memory estimate shared with the loader."""

from __future__ import annotations

import re

import pytest
from fireside.models.gguf_info import inspect_gguf
from fireside.models.library.catalog import find_entry, load_catalog
from fireside.models.memory_fit import (
    FITS,
    TIGHT,
    TOO_LARGE,
    assess_fit,
    estimate_memory,
    machine_fit,
)


def test_catalog_covers_the_families_and_is_honest_about_checks():
    entries = load_catalog()
    assert 18 <= len(entries) <= 30
    assert len({e.id for e in entries}) == len(entries)
    families = {e.family for e in entries}
    assert {
        "qwen2.5",
        "qwen3",
        "llama3",
        "gemma3",
        "phi",
        "mistral",
        "smollm2",
        "deepseek-r1",
    } <= families
    sizes = [e.parameters_b for e in entries]
    assert min(sizes) <= 0.6 and max(sizes) >= 14
    assert any(e.strong_chinese for e in entries) and not all(e.strong_chinese for e in entries)
    for e in entries:
        assert "/" in e.repo and e.files and all(f.endswith(".gguf") for f in e.files)
        assert e.licence and e.context_length >= 8192 and e.languages
        # no invented hashes: a hash only where the entry says it was checked
        if e.sha256 is not None:
            assert e.verified and re.fullmatch(r"[0-9a-f]{64}", e.sha256)
        if not e.verified:
            assert e.sha256 is None
    split = find_entry(entries, "qwen2.5-7b-instruct")
    assert len(split.files) == 2 and split.filename.endswith("-00001-of-00002.gguf")


def test_estimate_is_the_loaders(smollm_path):
    info = inspect_gguf(smollm_path)
    shared = estimate_memory(info.file_size, 2048, info.n_layers, info.n_head_kv, info.head_dim)
    assert info.memory_estimate(2048) == shared.total
    assert shared.kv_cache == info.kv_cache_bytes(2048)


def test_catalog_estimate_grows_with_context_and_size():
    entries = {e.id: e for e in load_catalog()}
    small, big = entries["qwen2.5-0.5b-instruct"], entries["qwen2.5-14b-instruct"]
    assert small.memory(8192).total > small.memory(2048).total > small.size_bytes
    assert big.memory(4096).total > 9e9
    # KV: 48 layers x 8 heads x 128 dims x 2 (K, V) x 2 bytes per token
    assert big.memory(4096).kv_cache == 48 * 8 * 128 * 2 * 2 * 4096
    # context is capped at what the model was trained for
    phi = entries["phi-4"]
    assert phi.memory(131072).n_ctx == 16384


@pytest.mark.parametrize(
    ("need", "ram", "verdict"),
    [(4e9, 16e9, FITS), (14e9, 16e9, TIGHT), (17e9, 16e9, TOO_LARGE)],
)
def test_verdicts(need, ram, verdict):
    report = assess_fit(int(need), int(ram))
    assert report.verdict == verdict
    assert "GiB" in report.summary()


def test_offload_counts_gpu_memory():
    assert assess_fit(int(20e9), int(16e9)).verdict == TOO_LARGE
    assert assess_fit(int(20e9), int(16e9), int(24e9), offload=True).verdict == FITS
    assert assess_fit(int(20e9), int(16e9), int(24e9), offload=False).verdict == TOO_LARGE


def test_machine_fit_uses_free_memory(monkeypatch):
    import fireside.models.hardware as hardware

    monkeypatch.setattr(hardware, "available_memory", lambda: 8 * 2**30)
    monkeypatch.setattr(hardware, "gpu_offload_supported", lambda: False)
    assert machine_fit(2 * 2**30).verdict == FITS
    assert machine_fit(12 * 2**30).verdict == TOO_LARGE


def test_loader_refuses_what_the_library_calls_too_large(smollm_path, monkeypatch):
    import fireside.models.hardware as hardware
    from fireside.models.errors import ModelTooLargeError
    from fireside.models.llama_backend import LlamaBackend, LoadOptions

    monkeypatch.setattr(hardware, "available_memory", lambda: 50 * 2**20)
    backend = LlamaBackend(smollm_path, LoadOptions(n_ctx=1024))
    assert machine_fit(backend.info.memory_estimate(1024)).verdict == TOO_LARGE
    with pytest.raises(ModelTooLargeError, match="needs about"):
        backend.check_memory()
