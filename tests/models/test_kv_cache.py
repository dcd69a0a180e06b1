"""The q8_0 KV cache: the estimate follows the setting, and the model loads with it."""

from __future__ import annotations

import pytest
from fireside.assistant.model_manager import ModelManager
from fireside.assistant.settings import Settings
from fireside.models.generation import TextChunk
from fireside.models.gguf_info import inspect_gguf
from fireside.models.library.catalog import load_catalog
from fireside.models.library.library import ModelLibrary
from fireside.models.llama_backend import LlamaBackend, LoadOptions
from fireside.models.memory_fit import estimate_memory, kv_cache_bytes
from fireside.models.sampling import SamplingParams


def test_q8_0_cache_is_a_little_over_half_of_f16():
    f16 = kv_cache_bytes(28, 4, 128, 8192)  # a 7B model's shape (Qwen 2.5 7B)
    q8 = kv_cache_bytes(28, 4, 128, 8192, "q8_0")
    assert f16 == 2 * 28 * 8192 * 4 * 128 * 2
    assert q8 * 64 == f16 * 34  # 34 bytes per 32 values against 64
    unknown_f16 = estimate_memory(4_000_000_000, 8192).kv_cache
    assert estimate_memory(4_000_000_000, 8192, kv_cache="q8_0").kv_cache < unknown_f16 * 0.6
    with pytest.raises(ValueError, match="unknown KV cache type"):
        kv_cache_bytes(28, 4, 128, 8192, "q3")


def test_fit_badges_and_loader_follow_the_setting(smollm_path, tmp_path):
    settings = Settings()
    assert settings.model.kv_cache == "q8_0"  # the default
    options = ModelManager(settings).load_options(str(smollm_path))
    assert options.kv_cache == "q8_0"
    info = inspect_gguf(smollm_path)
    assert info.memory_estimate(8192, "q8_0") < info.memory_estimate(8192, "f16")
    entry = next(e for e in load_catalog() if e.n_layers and e.n_kv_heads)
    lib8 = ModelLibrary(tmp_path, hub=None, kv_cache="q8_0")
    lib16 = ModelLibrary(tmp_path, hub=None, kv_cache="f16")
    assert lib8.fit(entry, 8192).need < lib16.fit(entry, 8192).need


@pytest.mark.slow
@pytest.mark.parametrize("kv", ["q8_0", "f16"])
def test_model_loads_and_answers_with_either_cache(smollm_path, kv):
    backend = LlamaBackend(smollm_path, LoadOptions(n_ctx=2048, kv_cache=kv))
    try:
        report = backend.load()
        assert report.kv_cache == kv
        params = SamplingParams(temperature=0, max_tokens=8, seed=0)
        text = "".join(
            i.text for i in backend.complete("The capital of France is", params)
            if isinstance(i, TextChunk)
        )  # fmt: skip
        assert text.strip()
    finally:
        backend.close()
