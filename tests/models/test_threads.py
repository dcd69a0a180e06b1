"""Threads follow the machine: a core another program keeps busy is not used for decoding.

The busy core is real: a child process spinning on one CPU. What is asserted is the choice
(and that the context got it), never a time.
"""

from __future__ import annotations

import multiprocessing
import os
import time

import psutil
import pytest
from fireside.models import hardware
from fireside.models.hardware import busy_cores, choose_threads, free_cores
from fireside.models.llama_backend import LlamaBackend, LoadOptions
from fireside.models.sampling import SamplingParams


def _spin(stop) -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    while not stop.is_set():
        pass


@pytest.fixture
def spinner():
    ctx = multiprocessing.get_context("spawn")
    stop = ctx.Event()
    process = ctx.Process(target=_spin, args=(stop,), daemon=True)
    process.start()
    time.sleep(0.5)  # started and spinning
    yield process
    stop.set()
    process.join(5)
    if process.is_alive():
        process.kill()


def test_a_spinning_process_counts_as_a_busy_core(spinner):
    assert busy_cores(0.3) >= 0.6
    logical = psutil.cpu_count() or 1
    choice = choose_threads()
    assert choice.busy >= 0.6
    assert 1 <= choice.decode <= min(hardware.physical_cores(), logical - 1) or logical == 1
    assert choice.batch >= choice.decode
    assert free_cores() <= max(1, logical - 1)


def test_choice_from_measured_load():
    physical = hardware.physical_cores()
    logical = psutil.cpu_count() or 1
    assert free_cores(busy=0.0) == min(physical, logical)
    assert free_cores(busy=float(logical)) == 1
    assert choose_threads(busy=0.0).decode == min(physical, logical)
    # a core used a third or more counts as taken; a little background noise does not
    assert free_cores(busy=0.2) == free_cores(busy=0.0)
    assert free_cores(busy=1.0) == max(1, min(physical, logical - 1))


def test_a_fixed_number_wins():
    choice = choose_threads(3)
    assert (choice.decode, choice.batch, choice.fixed) == (3, 3, True)


@pytest.mark.slow
def test_each_turn_sets_the_threads_it_chose(smollm_path, spinner):
    import llama_cpp

    backend = LlamaBackend(smollm_path, LoadOptions(n_ctx=512))
    try:
        params = SamplingParams(temperature=0, max_tokens=4, seed=0)
        list(backend.complete("The capital of France is", params))
        choice = backend.threads
        assert choice is not None and not choice.fixed and choice.busy >= 0.6
        ctx = backend.llama._ctx.ctx
        assert llama_cpp.llama_n_threads(ctx) == choice.decode
        assert llama_cpp.llama_n_threads_batch(ctx) == choice.batch
        logical = psutil.cpu_count() or 1
        assert choice.decode <= max(1, logical - 1)
    finally:
        backend.close()
    fixed = LlamaBackend(smollm_path, LoadOptions(n_ctx=512, n_threads=2))
    try:
        list(fixed.complete("The capital of France is", SamplingParams(max_tokens=2, seed=0)))
        assert fixed.threads.fixed and llama_cpp.llama_n_threads(fixed.llama._ctx.ctx) == 2
    finally:
        fixed.close()
