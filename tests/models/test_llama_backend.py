"""Real generation with the bundled SmolLM2 and with Gemma 3 270M (a second architecture)."""

import llama_cpp
import pytest
from fireside.models.generation import CancelToken, GenerationStats, TextChunk
from fireside.models.llama_backend import LlamaBackend, LoadOptions
from fireside.models.sampling import SamplingParams

pytestmark = pytest.mark.slow

GREEDY = SamplingParams(temperature=0, max_tokens=16, seed=1)


def run(backend, messages, params=GREEDY, cancel=None):
    text, stats = "", None
    for item in backend.stream(messages, params, cancel):
        if isinstance(item, TextChunk):
            text += item.text
        else:
            stats = item
    assert isinstance(stats, GenerationStats)
    return text, stats


def test_greedy_generation_is_deterministic(smollm_backend):
    # Like with like: both runs evaluate the whole prompt in one batch. (A run continued
    # from the KV cache batches differently, and on AVX-512 machines tiny models then flip
    # tokens.)
    msgs = [{"role": "user", "content": "Name a colour."}]
    smollm_backend.llama.reset()
    a, sa = run(smollm_backend, msgs)
    smollm_backend.llama.reset()
    b, sb = run(smollm_backend, msgs)
    assert sa.cached_tokens == sb.cached_tokens == 0
    assert a.strip() and a == b
    assert sa.completion_tokens >= 1
    assert sa.ttft_s <= sa.generate_s


def test_max_tokens_gives_length(smollm_backend):
    msgs = [{"role": "user", "content": "Count from one to one hundred in words."}]
    _, stats = run(smollm_backend, msgs, SamplingParams(temperature=0, max_tokens=5))
    assert stats.finish_reason == "length"
    assert stats.completion_tokens == 5


def test_cancel_stops_within_one_token(smollm_backend):
    cancel = CancelToken()
    msgs = [{"role": "user", "content": "Write a long story about a dragon."}]
    chunks = 0
    stats = None
    for item in smollm_backend.stream(msgs, SamplingParams(temperature=0, max_tokens=200), cancel):
        if isinstance(item, TextChunk):
            chunks += 1
            if chunks == 3:
                cancel.cancel()
        else:
            stats = item
    assert stats.finish_reason == "cancelled"
    assert stats.completion_tokens <= 4


def test_stop_string_ends_reply(smollm_backend):
    msgs = [{"role": "user", "content": "List three fruits, one per line."}]
    full, _ = run(smollm_backend, msgs, SamplingParams(temperature=0, max_tokens=30))
    assert "\n" in full.strip()
    first_line = full.strip().split("\n")[0]
    cut, stats = run(
        smollm_backend, msgs, SamplingParams(temperature=0, max_tokens=30, stop=["\n"])
    )
    assert stats.finish_reason == "stop"
    assert "\n" not in cut and cut.strip() == first_line.strip()


def test_kv_cache_reused_on_follow_up_turn(smollm_backend):
    msgs = [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": "Write a haiku about the sea."},
    ]
    reply, first = run(smollm_backend, msgs, SamplingParams(temperature=0, max_tokens=40))
    msgs += [
        {"role": "assistant", "content": reply},
        {"role": "user", "content": "And one about snow."},
    ]
    llama_cpp.llama_perf_context_reset(smollm_backend.llama._ctx.ctx)
    _, second = run(smollm_backend, msgs, SamplingParams(temperature=0, max_tokens=4))
    perf = llama_cpp.llama_perf_context(smollm_backend.llama._ctx.ctx)
    assert second.prompt_tokens > first.prompt_tokens + first.completion_tokens - 2
    assert second.cached_tokens >= first.prompt_tokens
    assert second.prompt_eval_tokens < second.prompt_tokens / 2
    # llama.cpp's own counter: prompt tokens it evaluated in batches this turn
    assert perf.n_p_eval == second.prompt_eval_tokens


def test_gemma_second_architecture_generates_and_reuses_cache(gemma_path):
    backend = LlamaBackend(gemma_path, LoadOptions(n_ctx=1024))
    try:
        report = backend.load()
        assert report.template_source == "architecture:gemma"
        assert report.device == "cpu" and report.n_gpu_layers == 0
        msgs = [{"role": "user", "content": "The capital of France is"}]
        text, first = run(backend, msgs, SamplingParams(temperature=0, max_tokens=8))
        assert first.completion_tokens >= 1
        msgs += [{"role": "assistant", "content": text}, {"role": "user", "content": "Spain?"}]
        _, second = run(backend, msgs, SamplingParams(temperature=0, max_tokens=4))
        # sliding-window model: reuse works because the full SWA cache is kept
        assert second.cached_tokens >= first.prompt_tokens
        assert second.prompt_eval_tokens < second.prompt_tokens
    finally:
        backend.close()


def test_model_too_large_for_memory_is_refused_before_loading(smollm_path):
    from fireside.models.errors import ModelTooLargeError

    backend = LlamaBackend(smollm_path, LoadOptions(n_ctx=50_000_000))
    with pytest.raises(ModelTooLargeError, match="GiB of memory"):
        backend.load()
    assert backend._llm is None


def test_a_reply_cut_mid_character_ends_on_a_whole_character(smollm_backend):
    """Chinese characters are three UTF-8 bytes, often spread over two byte-level tokens:
    a reply stopped (or cut by max_tokens) between them must not end in U+FFFD."""
    msgs = [{"role": "user", "content": "请用中文写一首关于春天的短诗。"}]
    cuts_inside_a_character, previous = 0, None
    for n in range(1, 9):
        text, stats = run(smollm_backend, msgs, SamplingParams(temperature=0, max_tokens=n))
        assert stats.finish_reason == "length"
        assert "\ufffd" not in text, (n, text)
        cuts_inside_a_character += text == previous  # the last token ended no character
        previous = text
    assert cuts_inside_a_character  # the test really cut inside a character
