"""Speculative decoding gives the very tokens plain decoding gives, only sooner.

Real models, real documents: answers to questions over the Debian FAQ, greedy, with and
without prompt lookup. Where llama.cpp's batches do not reproduce one-token steps bit for bit
(Gemma's Q8_0/Q5_0 weights), speculation must switch itself off, so the output is the
same there too.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from fireside.models.generation import TextChunk
from fireside.models.llama_backend import LlamaBackend, LoadOptions
from fireside.models.sampling import SamplingParams
from fireside.models.speculative import CALIBRATE_EVERY, PromptLookup, Speculator

FAQ = Path(__file__).resolve().parents[2] / "tests" / "data" / "documents" / "text"
QUESTIONS = ["What is Debian?", "How do I install a package?", "Who maintains Debian?"]


def passages() -> list[str]:
    text = (FAQ / "debian-faq.en.txt").read_text(encoding="utf-8")
    return [text[i * 2500 : i * 2500 + 2500] for i in range(len(QUESTIONS))]


def answers(path, speculative: str, chat: bool) -> tuple[list[str], list]:
    backend = LlamaBackend(path, LoadOptions(n_ctx=4096, speculative=speculative, n_threads=1))
    params = SamplingParams(temperature=0, max_tokens=80, seed=0)
    out, stats = [], []
    try:
        for question, passage in zip(QUESTIONS, passages(), strict=True):
            if chat:
                messages = [
                    {"role": "system", "content": "Answer from this document:\n\n" + passage},
                    {"role": "user", "content": question},
                ]
                items = backend.stream(messages, params)
            else:
                prompt = f"Document:\n{passage}\n\nQuestion: {question}\nAnswer, quoting it:"
                items = backend.complete(prompt, params)
            out.append("".join(i.text for i in items if isinstance(i, TextChunk)))
            stats.append(backend.speculation)
        return out, stats
    finally:
        backend.close()


@pytest.mark.slow
def test_bundled_model_same_answers_with_prompt_lookup(smollm_path):
    plain, none = answers(smollm_path, "off", chat=True)
    fast, stats = answers(smollm_path, "auto", chat=True)
    assert all(s is None for s in none)
    assert fast == plain
    assert all(s is not None for s in stats)  # it did speculate (SmolLM's batches are exact)
    assert sum(s.drafted for s in stats) > 0


@pytest.mark.slow
def test_gemma_same_answers_with_prompt_lookup(gemma_path):
    plain, _ = answers(gemma_path, "off", chat=False)
    fast, _ = answers(gemma_path, "auto", chat=False)
    assert fast == plain


@pytest.mark.slow
def test_a_short_prompt_does_not_speculate(smollm_path):
    backend = LlamaBackend(smollm_path, LoadOptions(n_ctx=1024))
    try:
        list(backend.complete("Hello", SamplingParams(temperature=0, max_tokens=4)))
        assert backend.speculation is None
    finally:
        backend.close()


@pytest.mark.slow
def test_two_decoding_threads_do_not_speculate(smollm_path):
    """Where answers parted from plain decoding (see ``LlamaBackend._speculator``)."""
    backend = LlamaBackend(smollm_path, LoadOptions(n_ctx=4096, speculative="auto", n_threads=2))
    passage = passages()[0]
    messages = [
        {"role": "system", "content": "Answer from this document:\n\n" + passage},
        {"role": "user", "content": QUESTIONS[0]},
    ]
    try:
        list(backend.stream(messages, SamplingParams(temperature=0, max_tokens=8)))
        assert backend.threads.decode == 2
        assert backend.speculation is None
    finally:
        backend.close()


def test_prompt_lookup_proposes_what_followed_last_time():
    history = np.array([5, 1, 2, 3, 4, 9, 9, 1, 2, 3, 7, 8, 1, 2], dtype=np.int32)
    # "1 2" last occurred at 7..8, followed by 3 7 8
    assert PromptLookup().draft(history, 3) == [3, 7, 8]
    assert PromptLookup().draft(np.array([1, 2, 3], np.int32), 4) == []


def test_speculator_backs_off_when_guesses_fail():
    class Always:
        def draft(self, history, n):
            return [1] * n

    spec = Speculator(Always(), max_draft=8)
    start = spec.n
    spec.record(start, start)
    assert spec.n > start
    for _ in range(10):
        spec.record(spec.n, 0)
    assert spec.propose(np.zeros(4, np.int32)) == []


class _Always:
    def draft(self, history, n):
        return [1] * n


def _step(spec: Speculator, accepted: int, batch_s: float, plain_s: float) -> None:
    """One step as ``generate`` takes it: a plain step when the speculator proposes none."""
    draft = spec.propose(np.zeros(4, np.int32))
    if draft:
        spec.record(len(draft), min(accepted, len(draft)), batch_s)
    else:
        spec.record(0, 0, plain_s)


def test_speculator_stops_where_batches_are_slower_than_steps():
    spec = Speculator(_Always(), max_draft=8)
    for _ in range(40):  # half the guesses hold, but a batch costs six plain steps
        _step(spec, accepted=2, batch_s=0.060, plain_s=0.010)
    assert spec.stats.stopped.startswith("batches slower than steps")
    assert spec.gain() < 1.0
    assert spec.propose(np.zeros(4, np.int32)) == []


def test_speculator_keeps_guessing_where_batches_pay():
    spec = Speculator(_Always(), max_draft=8)
    plain_steps = 0
    for _ in range(100):
        before = spec._plain[0]
        _step(spec, accepted=6, batch_s=0.020, plain_s=0.010)
        plain_steps += spec._plain[0] - before
    assert spec.stats.stopped == ""
    assert spec.gain() > 2.0
    assert 1 <= plain_steps <= 100 // CALIBRATE_EVERY + 2  # a few timed plain steps only
