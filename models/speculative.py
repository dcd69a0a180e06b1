"""Speculative decoding over llama.cpp: guess several tokens, check them in one batch.

Decoding one token reads every weight of the model; checking eight guessed tokens in one
batch reads them once too, so each guess that holds is a token almost for free. Answers
from documents copy long spans of the passages they quote, so the guesses come from the
text already in the context (*prompt lookup*: after the last few tokens, what followed
the same tokens earlier), or from a small model of the same family (a *draft model*).

The output is the output of plain decoding: every token is still sampled from the main
model's own logits, in order, by the same sampler (so penalties, grammars and seeded
sampling see exactly the same sequence); a guess only decides how many positions are
evaluated per batch. The KV cache and ``Llama.input_ids`` stay in step, so the next turn
reuses the cached prefix as before.

"The same output" needs the batch to compute each position exactly as a one-token step
does. llama.cpp's CPU kernels do for some weight types (with flash attention) and not for
others (the llamafile kernels used for Q8_0/Q5_0 batches sum in another order; Gemma's
large activations turn that into different logits), so ``batches_are_exact`` checks it on
the loaded model once, and speculation is used only where the logits are bit for bit the
same.

llama-cpp-python's own ``draft_model`` path needs ``logits_all``, which keeps a float per
vocabulary entry for every context position (gigabytes for a 262k-token vocabulary); here
only the checked positions produce logits.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np

MAX_DRAFT = 10  # tokens guessed per batch at most
MIN_DRAFT = 2


class Drafter(Protocol):
    def draft(self, history: np.ndarray, n: int) -> list[int]:
        """Up to ``n`` tokens that may follow ``history`` (int32, the whole sequence)."""
        ...


class PromptLookup:
    """Guesses from the context: find the latest earlier place where the last ``size``
    tokens (4, then 3, then 2) occurred, and propose what followed there."""

    def __init__(self, max_ngram: int = 4, min_ngram: int = 2) -> None:
        self.max_ngram = max_ngram
        self.min_ngram = min_ngram

    def draft(self, history: np.ndarray, n: int) -> list[int]:
        length = len(history)
        for size in range(min(self.max_ngram, length - 1), self.min_ngram - 1, -1):
            tail = history[length - size :]
            # candidate starts whose first token matches, then check the rest
            starts = np.flatnonzero(history[: length - size] == tail[0])
            for start in starts[::-1]:  # the latest match first: the closest context
                if start + size < length and np.array_equal(history[start : start + size], tail):
                    follow = history[start + size : start + size + n]
                    if len(follow):
                        return follow.tolist()
        return []


class DraftModel:
    """Guesses from a small model of the same family (same vocabulary), decoded greedily.

    It keeps its own KV cache in step with the sequence: each call evaluates only the tokens
    it has not seen, then proposes ``n`` tokens and forgets them again.
    """

    def __init__(self, llm) -> None:
        self.llm = llm
        self._sampler = None

    def draft(self, history: np.ndarray, n: int) -> list[int]:
        import llama_cpp

        llm = self.llm
        if self._sampler is None:
            self._sampler = llm._init_sampler(temp=0.0, repeat_penalty=1.0)
        seen = llm._input_ids[: llm.n_tokens]
        same = int(np.argmin(np.append(seen[: len(history)] == history[: len(seen)], False)))
        same = min(same, len(history) - 1)  # the last token must be evaluated for logits
        if llm.n_tokens > same:
            llm._ctx.kv_cache_seq_rm(-1, same, -1)
            llm.n_tokens = same
        room = llm._n_ctx - 1 - len(history)
        n = min(n, room)
        if n <= 0:
            return []
        llm.eval(history[same:].tolist())
        out: list[int] = []
        start = llm.n_tokens
        for _ in range(n):
            token = self._sampler.sample(llm._ctx, -1)
            if llama_cpp.llama_vocab_is_eog(llm._model.vocab, token):
                break
            out.append(int(token))
            if len(out) < n:
                llm.eval([token])
        llm._ctx.kv_cache_seq_rm(-1, start, -1)
        llm.n_tokens = start
        return out


@dataclass
class SpeculationStats:
    drafted: int = 0
    accepted: int = 0
    batches: int = 0
    stopped: str = ""  # why guessing stopped before the reply ended ("" while it goes on)

    @property
    def acceptance(self) -> float:
        return self.accepted / self.drafted if self.drafted else 0.0


# Guessing pays only when the tokens a checked batch yields come faster than one-token steps
# would give them. On a small model on one thread a batch of 8 costs about 5 steps (SmolLM2
# 135M Q4_1: batches of 2, 4, 8 cost 1.6, 2.7, 4.9 steps; its weights fit the caches), so a
# reply that copies little is slower with guesses; a model that must be read from memory
# for every step (billions of weights) gains more. The speculator times both kinds of step
# as the reply goes and stops guessing when the batches lose: never much slower than plain
# decoding, whatever the model, machine or reply.
CALIBRATE_EVERY = 24  # steps between one-token steps taken to time plain decoding
MIN_BATCHES = 6  # checked batches before judging them
MIN_GAIN = 1.05  # below this the batches' tokens are not worth their cost


class Speculator:
    """How many tokens to guess next: more after guesses that held, fewer after misses,
    none for the rest of a reply where guesses keep failing (a reply that copies nothing)
    or where the checked batches give fewer tokens a second than one-token steps."""

    def __init__(self, drafter: Drafter, max_draft: int = MAX_DRAFT) -> None:
        self.drafter = drafter
        self.max_draft = max_draft
        self.n = max(MIN_DRAFT, max_draft // 2)
        self.stats = SpeculationStats()
        self._misses = 0
        self._plain = [0, 0.0]  # one-token steps: count, seconds
        self._checked = [0, 0.0]  # tokens yielded by checked batches, seconds
        self._since_plain = 0

    def propose(self, history: np.ndarray) -> list[int]:
        if self.stats.stopped:
            return []
        if self._misses >= 8 and self.stats.acceptance < 0.25:
            self.stats.stopped = "guesses fail"
            return []
        if self._since_plain >= CALIBRATE_EVERY or (
            self._plain[0] == 0 and self.stats.batches >= MIN_BATCHES // 2
        ):
            return []  # one plain step, timed
        return self.drafter.draft(history, self.n)

    def record(self, drafted: int, accepted: int, seconds: float | None = None) -> None:
        """One step: ``drafted`` guesses checked, ``accepted`` held; ``seconds`` its cost."""
        if not drafted:
            if seconds is not None:
                self._plain[0] += 1
                self._plain[1] += seconds
                self._since_plain = 0
            return
        self._since_plain += 1
        self.stats.drafted += drafted
        self.stats.accepted += accepted
        self.stats.batches += 1
        if seconds is not None:
            self._checked[0] += accepted + 1
            self._checked[1] += seconds
            gain = self.gain()
            if self.stats.batches >= MIN_BATCHES and gain is not None and gain < MIN_GAIN:
                self.stats.stopped = f"batches slower than steps (gain {gain:.2f})"
        if accepted == drafted:
            self.n = min(self.max_draft, self.n + 2)
        else:
            self.n = max(MIN_DRAFT, accepted + 1)
            if accepted == 0:
                self._misses += 1

    def gain(self) -> float | None:
        """Tokens a second from checked batches over tokens a second from plain steps."""
        if not self._plain[0] or not self._checked[1]:
            return None
        per_step = self._plain[1] / self._plain[0]
        return (self._checked[0] / self._checked[1]) * per_step


# Varied text of ~150 tokens: a short probe can pass by luck (on Gemma a 14-token one did,
# a 45-token one did not), because which kernels run depends on the shapes.
PROBE_TEXT = (
    b"Debian GNU/Linux 12 was released on 10 June 2023, after 1 year, 9 months and 28 days "
    b"of development. It ships with the Linux kernel 6.1, GNOME 43, KDE Plasma 5.27 and "
    b"about 64,419 packages, of which 11,089 are new. To upgrade, edit /etc/apt/sources.list, "
    b"replace 'bullseye' with 'bookworm', then run: apt update && apt full-upgrade. Questions? "
    b"Ask on debian-user@lists.debian.org (in English) or read the FAQ, chapter 9, section 9.1."
)


def decode_threads_for_batches(llm) -> None:
    """Batches from here on run on the decoding thread count.

    llama.cpp runs a batch of several tokens on ``n_threads_batch`` and one token on
    ``n_threads``; a matrix product split among another number of threads sums in another
    order, so a checked guess would differ in the last bits from the one-token step plain
    decoding takes (measured: 19 of 20 answers differed with 2 batch threads and 1 decoding
    thread, none with both at 1). The prompt is processed before this, on all its threads.
    """
    import llama_cpp

    n = llama_cpp.llama_n_threads(llm._ctx.ctx)
    llama_cpp.llama_set_n_threads(llm._ctx.ctx, n, n)


def batches_are_exact(llm, n_check: int = 8) -> bool:
    """Whether checking ``n_check`` tokens in one batch gives bit-identical logits to
    evaluating them one by one. Clears the KV cache (call between turns)."""
    import llama_cpp

    tokens = llm.tokenize(PROBE_TEXT, add_bos=True)
    prompt, rest = tokens[:-n_check], tokens[-n_check:]
    n_vocab = llm.n_vocab()

    def logits(i: int) -> np.ndarray:
        row = llama_cpp.llama_get_logits_ith(llm._ctx.ctx, i)
        return np.ctypeslib.as_array(row, shape=(n_vocab,)).copy()

    llm.reset()
    llm.eval(prompt)  # drops whatever the cache held from position 0
    decode_threads_for_batches(llm)
    single = []
    for i, token in enumerate(rest):
        llm._batch.set_batch(batch=[token], n_past=len(prompt) + i, logits_all=True)
        llm._ctx.decode(llm._batch)
        single.append(logits(-1))
    llm._ctx.kv_cache_seq_rm(-1, len(prompt), -1)
    llm._batch.set_batch(batch=rest, n_past=len(prompt), logits_all=True)
    llm._ctx.decode(llm._batch)
    batched = [logits(i) for i in range(len(rest))]
    llm._ctx.kv_cache_seq_rm(-1, 0, -1)
    llm.n_tokens = 0
    return all(np.array_equal(a, b) for a, b in zip(single, batched, strict=True))


def generate(llm, tokens: list[int], sampler, speculator: Speculator) -> Iterator[int]:
    """Tokens as ``Llama.generate(tokens, reset=False)`` yields them, checked in batches.

    ``tokens`` are the prompt tokens not yet in the cache (at least one); ``sampler`` is
    the main model's sampler chain (``Llama._init_sampler``).
    """
    ctx = llm._ctx
    batch = llm._batch
    limit = min(llm.n_batch, llm._n_ctx)
    llm.eval(tokens)
    decode_threads_for_batches(llm)
    token = sampler.sample(ctx, -1)
    while True:
        yield token
        n_past = llm.n_tokens
        room = min(limit, llm._n_ctx - n_past) - 1
        history = np.append(llm._input_ids[:n_past], np.int32(token)).astype(np.int32)
        started = time.perf_counter()  # guessing counts: a draft model's steps cost too
        draft = speculator.propose(history)[: max(0, room - 1)] if room > 1 else []
        step = [token, *draft]
        batch.set_batch(batch=step, n_past=n_past, logits_all=True)
        ctx.decode(batch)
        seconds = time.perf_counter() - started
        llm.input_ids[n_past : n_past + len(step)] = step
        llm.n_tokens = n_past + len(step)
        accepted = 0
        for i in range(len(step)):
            token = sampler.sample(ctx, i)
            if i < len(draft) and token == draft[i]:
                accepted += 1
                yield token
                continue
            break
        speculator.record(len(draft), accepted, seconds)
        keep = n_past + 1 + accepted
        if keep < llm.n_tokens:  # guesses that failed leave the cache
            ctx.kv_cache_seq_rm(-1, keep, -1)
            llm.n_tokens = keep
