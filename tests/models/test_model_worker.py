"""The real models through the model worker process: streaming, cancel, KV reuse, crashes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import psutil
import pytest
from fireside.models.backend import ChatBackend
from fireside.models.errors import ContextOverflowError, ModelError, NotGGUFError
from fireside.models.generation import CancelToken, GenerationStats, TextChunk
from fireside.models.llama_backend import LlamaBackend, LoadOptions
from fireside.models.sampling import SamplingParams
from fireside.models.worker import WorkerBackend, WorkerCrashedError
from fireside.models.worker.crash import crash_error

pytestmark = pytest.mark.slow

OPTIONS = LoadOptions(n_ctx=1024, n_threads=1)
GREEDY = SamplingParams(temperature=0, max_tokens=16, seed=1)
STORY = [{"role": "user", "content": "Write a long story about a dragon."}]


def run(backend, messages, params=GREEDY, cancel=None):
    text, stats, chunks = "", None, 0
    for item in backend.stream(messages, params, cancel):
        if isinstance(item, TextChunk):
            text += item.text
            chunks += 1
        else:
            assert stats is None
            stats = item
    assert isinstance(stats, GenerationStats)
    return text, stats, chunks


def gone(pid: int, within_s: float = 10.0) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.05)
    return False


@pytest.fixture(scope="module")
def worker(smollm_path):
    backend = WorkerBackend(smollm_path, OPTIONS)
    backend.load()
    yield backend
    backend.close()


def test_the_worker_is_a_chat_backend_in_another_process(worker):
    assert isinstance(worker, ChatBackend)
    assert worker.running and worker.pid != os.getpid()
    info = worker.description
    assert info.backend == "llama.cpp" and info.device == "CPU" and info.n_ctx == 1024
    assert info.architecture == "llama" and info.parameter_count > 100_000_000
    assert info.load_s > 0


def test_streams_the_same_greedy_reply_as_in_process(worker, smollm_path):
    msgs = [{"role": "user", "content": "Name a colour."}]
    worker.reset_cache()
    text, stats, chunks = run(worker, msgs)
    local = LlamaBackend(smollm_path, OPTIONS)
    try:
        local.load()
        expected, local_stats, _ = run(local, msgs)
    finally:
        local.close()
    assert text.strip() and text == expected
    assert chunks >= 2  # chunk by chunk, not one block at the end
    assert stats.completion_tokens == local_stats.completion_tokens
    assert stats.prompt_tokens == local_stats.prompt_tokens == worker.count_tokens(msgs)
    assert 0 < stats.ttft_s <= stats.generate_s


def test_cancel_stops_within_one_token(worker):
    cancel = CancelToken()
    params = SamplingParams(temperature=0, max_tokens=200)
    chunks, stats = 0, None
    for item in worker.stream(STORY, params, cancel):
        if isinstance(item, TextChunk):
            chunks += 1
            if chunks == 3:
                cancel.cancel()
        else:
            stats = item
    assert stats.finish_reason == "cancelled"
    assert stats.completion_tokens <= 4
    # the worker is ready for the next reply, and the token is not reused by mistake
    _, after, _ = run(worker, [{"role": "user", "content": "Hi."}])
    assert after.finish_reason in ("stop", "length")


def test_a_consumer_that_stops_reading_stops_the_worker(worker):
    stream = worker.stream(STORY, SamplingParams(temperature=0, max_tokens=400))
    next(stream)
    stream.close()  # e.g. the window closed the chat: the worker must not go on alone
    t0 = time.monotonic()
    _, stats, _ = run(worker, [{"role": "user", "content": "Hi."}])
    assert stats.completion_tokens >= 1
    assert time.monotonic() - t0 < 30


def test_kv_cache_is_reused_across_turns(worker):
    worker.reset_cache()
    msgs = [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": "Write a haiku about the sea."},
    ]
    reply, first, _ = run(worker, msgs, SamplingParams(temperature=0, max_tokens=40))
    assert first.cached_tokens == 0 and first.prompt_eval_tokens == first.prompt_tokens
    msgs += [
        {"role": "assistant", "content": reply},
        {"role": "user", "content": "And one about snow."},
    ]
    _, second, _ = run(worker, msgs, SamplingParams(temperature=0, max_tokens=4))
    assert second.cached_tokens >= first.prompt_tokens
    assert second.prompt_eval_tokens == second.prompt_tokens - second.cached_tokens
    assert second.prompt_eval_tokens < second.prompt_tokens / 2


def test_a_failed_request_is_one_error_and_the_worker_stays(worker):
    pid = worker.pid
    huge = [{"role": "user", "content": "word " * 3000}]
    with pytest.raises(ContextOverflowError, match="the context holds 1024"):
        list(worker.stream(huge, GREEDY))
    assert worker.pid == pid and worker.count_text("hello world") >= 2


def test_gemma_through_the_worker_streams_and_reuses_its_cache(gemma_path):
    backend = WorkerBackend(gemma_path, OPTIONS)
    try:
        info = backend.load()
        assert info.architecture == "gemma3"
        msgs = [{"role": "user", "content": "The capital of France is"}]
        text, first, _ = run(backend, msgs, SamplingParams(temperature=0, max_tokens=8))
        assert first.completion_tokens >= 1
        msgs += [{"role": "assistant", "content": text}, {"role": "user", "content": "Spain?"}]
        _, second, _ = run(backend, msgs, SamplingParams(temperature=0, max_tokens=4))
        assert second.cached_tokens >= first.prompt_tokens  # full sliding-window cache kept
        assert second.prompt_eval_tokens < second.prompt_tokens
        cancel = CancelToken()
        cancel.cancel()  # cancelled before the first token: nothing is generated
        _, stopped, chunks = run(backend, msgs, SamplingParams(max_tokens=50), cancel)
        assert stopped.finish_reason == "cancelled" and stopped.completion_tokens == 0
        assert chunks == 0
    finally:
        backend.close()


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGSEGV, signal.SIGILL])
def test_a_worker_killed_mid_reply_raises_one_line_and_the_next_call_restarts(smollm_path, sig):
    backend = WorkerBackend(smollm_path, OPTIONS)
    try:
        backend.load()
        pid = backend.pid
        chunks = 0
        with pytest.raises(WorkerCrashedError) as caught:
            for item in backend.stream(STORY, SamplingParams(temperature=0, max_tokens=300)):
                if isinstance(item, TextChunk):
                    chunks += 1
                    if chunks == 2:
                        os.kill(pid, sig)
        message = str(caught.value)
        assert "\n" not in message and sig.name in message and "mid-reply" in message
        assert caught.value.signal_name == sig.name
        if sig == signal.SIGILL:
            assert "-mno-amx-tile -mno-amx-int8 -mno-amx-bf16" in message
            assert "pip cache remove llama_cpp_python" in message
        if sig == signal.SIGKILL:
            assert "memory" in message
        assert gone(pid) and not backend.running
        _, stats, _ = run(backend, [{"role": "user", "content": "Hi."}])
        assert stats.completion_tokens >= 1
        assert backend.starts == 2 and backend.pid != pid
    finally:
        backend.close()


def test_a_crash_during_the_first_decode_names_the_build_flags():
    for name in ("SIGILL", "SIGSEGV", "SIGABRT"):
        error = crash_error("m.gguf", -getattr(signal, name), "warm-up")
        text = str(error)
        assert name in text and "first test decode" in text and "\n" not in text
        assert "CMAKE_ARGS" in text and "-mno-amx-tile -mno-amx-int8 -mno-amx-bf16" in text
    assert "code 3" in str(crash_error("m.gguf", 3, "load"))


def test_load_errors_come_back_as_the_same_model_errors(not_gguf, truncated_gguf):
    with pytest.raises(NotGGUFError):
        WorkerBackend(not_gguf, OPTIONS).load()
    backend = WorkerBackend(truncated_gguf, OPTIONS)
    with pytest.raises(ModelError) as caught:
        backend.load()
    assert "\n" not in str(caught.value) and not backend.running


def test_close_ends_the_process(smollm_path):
    backend = WorkerBackend(smollm_path, OPTIONS)
    backend.load()
    pid = backend.pid
    backend.close()
    assert gone(pid) and not backend.running
    with pytest.raises(ModelError, match="closed"):
        backend.count_text("hello")


def test_idle_unload_ends_the_worker_and_the_next_turn_reloads(smollm_path):
    backend = WorkerBackend(smollm_path, OPTIONS, idle_unload_s=0.5)
    try:
        backend.load()
        pid = backend.pid
        assert gone(pid, within_s=15)
        assert not backend.running and backend.description.n_ctx == 1024  # still described
        _, stats, _ = run(backend, [{"role": "user", "content": "Hi."}])
        assert stats.completion_tokens >= 1 and backend.starts == 2
    finally:
        backend.close()


def test_a_worker_started_from_a_short_lived_thread_outlives_it(smollm_path):
    """Linux kills a worker when the thread that started it exits; callers use pool threads."""
    backend = WorkerBackend(smollm_path, OPTIONS)
    try:
        thread = threading.Thread(target=backend.load)
        thread.start()
        thread.join()
        time.sleep(0.5)
        assert backend.running
        _, stats, _ = run(backend, [{"role": "user", "content": "Hi."}])
        assert stats.completion_tokens >= 1 and backend.starts == 1
    finally:
        backend.close()


def test_the_worker_ends_when_the_app_is_killed(smollm_path, tmp_path):
    script = tmp_path / "app.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import sys, time
            from fireside.models.llama_backend import LoadOptions
            from fireside.models.worker import WorkerBackend

            if __name__ == "__main__":
                backend = WorkerBackend({str(smollm_path)!r}, LoadOptions(n_ctx=512, n_threads=1))
                backend.load()
                print(backend.pid, flush=True)
                time.sleep(600)
            """
        )
    )
    app = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        worker_pid = int(app.stdout.readline())
        assert psutil.pid_exists(worker_pid)
        app.kill()  # SIGKILL: no cleanup code runs in the app
        app.wait()
        assert gone(worker_pid)
    finally:
        if app.poll() is None:
            app.kill()
