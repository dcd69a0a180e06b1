"""Chat with a GGUF model through llama-cpp-python, one reply at a time.

Why not ``create_chat_completion``: it re-detokenizes the whole reply on every token
(quadratic), hides how much of the prompt came from the KV cache, and cannot be stopped
between tokens. This loop decodes each token once, reuses the longest cached prompt prefix
across turns (keeping Gemma's full sliding-window cache so that reuse is possible), and
checks a cancel flag before every token.

Threads are chosen per turn from the cores free when it starts (``hardware.choose_threads``,
set on the context with ``llama_set_n_threads``), unless the user fixed a number: on a busy
machine a thread on a taken core would stall all the others at every token. Turns with a
long prompt (documents, earlier conversation) decode speculatively (``speculative.py``):
guesses from the prompt, or from a draft model, checked in batches; the tokens are the same.
"""

from __future__ import annotations

import codecs
import logging
import os
import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from fireside.models.backend import ModelDescription
from fireside.models.chat_templates import ChatTemplate, choose_template, detect_tool_format
from fireside.models.content import IMAGE_TOKENS, as_text_messages, has_images, image_urls
from fireside.models.content_tokens import (
    Vocabulary,
    align,
    defused,
    mark,
    markers,
    split_marked,
    tokenize_parts,
)
from fireside.models.errors import ContextOverflowError, ModelError, ModelTooLargeError
from fireside.models.generation import CancelToken, GenerationStats, TextChunk
from fireside.models.gguf_info import GGUFInfo, inspect_gguf
from fireside.models.grammar_check import grammar_error
from fireside.models.hardware import ThreadChoice, choose_threads, resolve_gpu_layers
from fireside.models.memory_fit import KV_CACHE_TYPES, TOO_LARGE, machine_fit
from fireside.models.projector import find_projector
from fireside.models.sampling import SamplingParams
from fireside.models.stop_strings import StopMatcher

log = logging.getLogger(__name__)

DEFAULT_CTX = 4096
CLOSE_WAIT_S = 60.0
# Prompt lookup pays off when the prompt holds text a reply may copy (documents, earlier
# turns); a bare question has nothing to look up, and guesses would only cost batches.
LOOKUP_MIN_PROMPT = 192
GGML_TYPES = {"f16": 1, "q8_0": 8}


@dataclass
class LoadOptions:
    n_ctx: int | None = None  # None: min(trained context, 4096)
    n_threads: int | None = None  # None: chosen per turn from the free cores
    n_gpu_layers: int | str = "auto"
    chat_template: str | None = None  # built-in name or Jinja text; None: from the GGUF
    check_memory: bool = True
    kv_cache: str = "f16"  # "f16" or "q8_0" (with flash attention)
    speculative: str = "auto"  # "auto": prompt lookup on long prompts (or the draft model); "off"
    draft_model: str | None = None  # a small GGUF of the same family, to guess tokens
    projector: str | None = None  # an mmproj GGUF; None: the one beside the model, if any


@dataclass
class LoadReport:
    """What loading decided, for the status bar and ``--json`` output."""

    path: str
    n_ctx: int
    n_threads: int
    n_gpu_layers: int
    device: str  # "cpu" or "gpu"
    template_source: str
    load_s: float
    kv_cache: str = "f16"
    draft_model: str | None = None

    @property
    def device_label(self) -> str:
        if self.device == "gpu":
            layers = "all" if self.n_gpu_layers < 0 else str(self.n_gpu_layers)
            return f"GPU ({layers} layers offloaded)"
        return "CPU"


def _common_prefix(a, b) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _sampler_args(params: SamplingParams) -> dict:
    """The sampling values llama-cpp-python names alike in ``generate`` and in the chat
    handlers (the temperature is ``temp`` in one, ``temperature`` in the other)."""
    return dict(
        top_k=params.top_k,
        top_p=params.top_p,
        min_p=params.min_p,
        repeat_penalty=params.repeat_penalty,
        presence_penalty=params.presence_penalty,
        frequency_penalty=params.frequency_penalty,
    )


def _compile_grammar(text: str, vocab):
    """The grammar for ``generate``, once llama.cpp has parsed it: llama-cpp-python would
    add a grammar llama.cpp refuses as a null sampler, and the first token would crash."""
    from llama_cpp import LlamaGrammar

    problem = grammar_error(text, vocab)
    if problem is not None:
        raise ModelError(None, f"invalid grammar: {problem}")
    return LlamaGrammar.from_string(text, verbose=False)


class _PieceDecoder:
    """Bytes of one token, through a reused buffer (one C call per token, no copies)."""

    def __init__(self, vocab) -> None:
        import ctypes

        import llama_cpp

        self._fn = llama_cpp.llama_token_to_piece
        self._vocab = vocab
        self._size = 64
        self._buf = ctypes.create_string_buffer(self._size)

    def __call__(self, token: int) -> bytes:
        n = self._fn(self._vocab, token, self._buf, self._size, 0, False)
        if n < 0:  # buffer too small: grow once and retry
            import ctypes

            self._size = -n
            self._buf = ctypes.create_string_buffer(self._size)
            n = self._fn(self._vocab, token, self._buf, self._size, 0, False)
        return self._buf.raw[:n]


class LlamaBackend:
    """One loaded model and its KV cache. Not thread-safe by design: ``lock`` serialises use."""

    def __init__(self, path: str | os.PathLike, options: LoadOptions | None = None) -> None:
        self.path = Path(path).expanduser()
        self.options = options or LoadOptions()
        self.lock = threading.Lock()
        self.info: GGUFInfo = inspect_gguf(self.path)
        self.template: ChatTemplate = choose_template(
            architecture=self.info.architecture,
            gguf_template=self.info.chat_template,
            override=self.options.chat_template,
            bos_token=self.info.bos_token,
            eos_token=self.info.eos_token,
            path=str(self.path),
        )
        self.n_ctx = self.options.n_ctx or min(self.info.context_length or DEFAULT_CTX, DEFAULT_CTX)
        projector = self.options.projector
        if projector is None:
            projector = find_projector(self.path, self.info.embedding_length)
        self.projector: Path | None = Path(projector) if projector else None
        self._vision = None  # llama-cpp-python's multimodal chat handler, on the first picture
        self._llm = None
        self._draft = None
        # per decoding thread count, checked before the first speculation with that count
        self._exact_batches: dict[int, bool] = {}
        self._last_prompt: tuple[str, list[int]] | None = None
        self.report: LoadReport | None = None
        self.threads: ThreadChoice | None = None  # the last turn's
        self.speculation = None  # the last turn's SpeculationStats, None when it had none

    # -- loading ---------------------------------------------------------------------------
    def check_memory(self) -> None:
        fit = machine_fit(self.info.memory_estimate(self.n_ctx, kv_cache=self.options.kv_cache))
        need, have = fit.need, fit.available
        if fit.verdict == TOO_LARGE:
            raise ModelTooLargeError(
                self.path,
                f"needs about {need / 2**30:.1f} GiB of memory (weights + {self.n_ctx}-token "
                f"context) but only {have / 2**30:.1f} GiB is available; "
                "choose a smaller quantization or a shorter context",
            )

    def load(self) -> LoadReport:
        """Load the weights (memory-mapped). Raises ``ModelError`` with a one-line cause."""
        if self._llm is not None:
            return self.report
        if self.options.check_memory:
            self.check_memory()
        from fireside.models import llama_log, llama_runtime
        from llama_cpp import Llama

        llama_runtime.ensure_backends()
        llama_log.install()
        llama_log.clear()
        choice = choose_threads(self.options.n_threads)
        gpu_layers = resolve_gpu_layers(self.options.n_gpu_layers, self.info.n_layers)
        kv_cache = self.options.kv_cache if self.options.kv_cache in KV_CACHE_TYPES else "f16"
        t0 = time.perf_counter()

        def create(kv: str, flash: bool = True):
            # flash attention: less memory at long contexts, needed for a quantized V cache,
            # and it computes each position of a batch as a one-token step would
            extra = dict(flash_attn=flash)
            if kv != "f16":
                extra.update(type_k=GGML_TYPES[kv], type_v=GGML_TYPES[kv])
            return Llama(
                model_path=str(self.path),
                n_ctx=self.n_ctx,
                n_threads=choice.decode,
                # llama-cpp-python's default is every logical CPU, which makes prompt
                # processing crawl when the machine is busy; each turn sets both again.
                n_threads_batch=choice.batch,
                n_gpu_layers=gpu_layers,
                use_mmap=True,
                swa_full=bool(self.info.sliding_window),
                verbose=False,
                **extra,
            )

        try:
            try:
                self._llm = create(kv_cache)
            except (ValueError, RuntimeError) as exc:
                # a build without flash attention for this model: the plain cache works
                log.info("%s KV cache with flash attention refused (%s); using f16", kv_cache, exc)
                kv_cache = "f16"
                self._llm = create(kv_cache, flash=False)
        except (ValueError, RuntimeError, OSError) as exc:
            cause = llama_log.last_error() or str(exc).strip()
            raise ModelError(self.path, f"llama.cpp could not load the model ({cause})") from None
        if self.options.draft_model:
            self._draft = self._load_draft(self.options.draft_model, Llama)
        self.report = LoadReport(
            path=str(self.path),
            n_ctx=self.n_ctx,
            n_threads=choice.decode,
            n_gpu_layers=gpu_layers,
            device="gpu" if gpu_layers != 0 else "cpu",
            template_source=self.template.source,
            load_s=time.perf_counter() - t0,
            kv_cache=kv_cache,
            draft_model=self.options.draft_model,
        )
        return self.report

    def _load_draft(self, path: str, llama_class):
        """The draft model: same vocabulary as the main one, or one line saying why not."""
        draft_path = Path(path).expanduser()
        try:
            draft = llama_class(
                model_path=str(draft_path),
                n_ctx=self.n_ctx,
                n_threads=self._llm.n_threads,
                n_gpu_layers=0,
                use_mmap=True,
                verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as exc:
            self.close()
            raise ModelError(draft_path, f"cannot load the draft model ({exc})") from None
        if draft.n_vocab() != self._llm.n_vocab() or any(
            draft.detokenize([t]) != self._llm.detokenize([t])
            for t in range(0, draft.n_vocab(), max(1, draft.n_vocab() // 64))
        ):
            draft.close()
            self.close()
            raise ModelError(
                draft_path,
                f"the draft model's vocabulary differs from {self.path.name}'s; "
                "choose a smaller model of the same family",
            )
        return draft

    @property
    def llama(self):
        """The underlying ``llama_cpp.Llama`` (loads on first use)."""
        if self._llm is None:
            self.load()
        return self._llm

    def close(self) -> None:
        """Free the model, after a reply streaming on another thread has ended.

        The local API server shares the window's model: freeing it under a running
        generation would crash the process. A reply that is not cancelled ends by
        ``max_tokens``; after ``CLOSE_WAIT_S`` the model is freed regardless.
        """
        locked = self.lock.acquire(timeout=CLOSE_WAIT_S)
        try:
            if self._draft is not None:
                self._draft.close()
                self._draft = None
            if self._llm is not None:
                self._llm.close()
                self._llm = None
        finally:
            if locked:
                self.lock.release()

    @property
    def description(self) -> ModelDescription:
        report = self.report
        return ModelDescription(
            id=str(self.path),
            name=self.path.name,
            backend="llama.cpp",
            n_ctx=self.n_ctx,
            device=report.device_label if report else "CPU",
            architecture=self.info.architecture,
            parameter_count=self.info.parameter_count,
            tool_format=detect_tool_format(self.template.text),
            load_s=report.load_s if report else 0.0,
            sees_images=self.projector is not None,
        )

    # -- prompts ---------------------------------------------------------------------------
    def render(self, messages: list[dict]) -> str:
        return self.template.render(messages, add_generation_prompt=True)

    def tokenize_prompt(self, prompt: str) -> list[int]:
        """``prompt`` as it is written, control tokens included (text completions: the
        caller writes the whole prompt, there is no one else's turn to forge)."""
        llm = self.llama
        return self._with_bos(llm.tokenize(prompt.encode("utf-8"), add_bos=False, special=True))

    def _with_bos(self, tokens: list[int]) -> list[int]:
        """BOS first when the model wants it; an empty prompt is BOS alone (there must be
        one token to evaluate), or refused when the model has none."""
        llm = self.llama
        bos = llm.token_bos()
        if bos >= 0 and (not tokens or (llm._model.add_bos_token() and tokens[0] != bos)):
            tokens.insert(0, bos)
        if not tokens:
            raise ModelError(self.path, "the prompt is empty")
        return tokens

    @property
    def vocabulary(self) -> Vocabulary:
        llm = self.llama
        vocab = llm._model.vocab
        import llama_cpp

        def tokenize(text: str, special: bool) -> list[int]:
            return llm.tokenize(text.encode("utf-8"), add_bos=False, special=special)

        def text(token: int) -> str:
            raw = llama_cpp.llama_vocab_get_text(vocab, token)
            return raw.decode("utf-8", errors="replace") if raw else ""

        return Vocabulary(tokenize, lambda t: llama_cpp.llama_vocab_get_attr(vocab, t), text)

    def chat_tokens(self, messages: list[dict]) -> list[int]:
        """The rendered chat's tokens, where only the template writes control tokens: the
        messages' content is tokenized as text (``content_tokens``)."""
        vocab = self.vocabulary
        plain = self.render(messages)
        opening, closing = markers()
        parts = split_marked(self.render(mark(messages, opening, closing)), opening, closing)
        parts = align(parts, plain) if parts is not None else None
        if parts is not None:
            return self._with_bos(tokenize_parts(parts, vocab))
        # a template that reshapes content: break up control-token text in it instead
        text = self.render(defused(messages, vocab))
        return self._with_bos(vocab.tokenize(text, True))

    def count_tokens(self, messages: list[dict]) -> int:
        pictures = sum(len(image_urls(m.get("content"))) for m in messages)
        if pictures:  # the projector decides a picture's tokens; budget a typical share
            return len(self.prompt_tokens(as_text_messages(messages))) + IMAGE_TOKENS * pictures
        return len(self.prompt_tokens(messages))

    def count_text(self, text: str) -> int:
        return len(self.llama.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def prompt_tokens(self, messages: list[dict]) -> list[int]:
        """The exact tokens ``stream`` would evaluate for ``messages`` (memoised once)."""
        key = repr(messages)
        if self._last_prompt is not None and self._last_prompt[0] == key:
            return self._last_prompt[1]
        tokens = self.chat_tokens(messages)
        self._last_prompt = (key, tokens)
        return tokens

    @property
    def cached_tokens(self) -> int:
        return self._llm.n_tokens if self._llm is not None else 0

    # -- generation ------------------------------------------------------------------------
    def stream(
        self,
        messages: list[dict],
        params: SamplingParams | None = None,
        cancel: CancelToken | None = None,
        *,
        grammar: str | None = None,
        tools: list[dict] | None = None,
    ) -> Iterator[TextChunk | GenerationStats]:
        """Yield ``TextChunk`` per decoded token, then one ``GenerationStats``.

        ``grammar`` is GBNF text that constrains the reply (tool calls must parse).
        ``tools`` is ignored: local models get tools through the prompt.
        """
        with self.lock:
            if has_images(messages):
                if self.projector is None:
                    raise ModelError(
                        self.path, "this model has no projector: it cannot see pictures"
                    )
                yield from self._stream_vision(messages, params or SamplingParams(), cancel)
                return
            tokens = self.prompt_tokens(messages)
            yield from self._stream_locked(tokens, params or SamplingParams(), cancel, grammar)

    def _stream_vision(self, messages: list[dict], params: SamplingParams, cancel):
        """A reply about pictures, through llama-cpp-python's multimodal (libmtmd) chat
        handler: it renders the GGUF's own template with the pictures' places marked,
        encodes each picture with the projector and evaluates the prompt; the reply then
        streams as any other, stopped between tokens by ``cancel``."""
        llm = self.llama
        if self._vision is None:
            from llama_cpp.llama_chat_format import MTMDChatHandler

            try:
                handler = MTMDChatHandler(clip_model_path=str(self.projector), verbose=False)
                handler._init_mtmd_context(llm)  # a bad projector is named as such, at once
            except (ValueError, RuntimeError, OSError) as exc:
                raise ModelError(
                    self.path, f"the projector {self.projector.name} cannot be used ({exc})"
                ) from None
            self._vision = handler
        t0 = time.perf_counter()
        self._last_prompt = None  # the handler fills the KV cache its own way
        llm.reset()
        self._set_threads(llm)
        self.speculation = None
        # the handler renders and tokenizes the template itself, control tokens read as such
        # anywhere: control-token text in the messages is broken up first
        messages = defused(messages, self.vocabulary)
        n_out, ttft, finish = 0, 0.0, "length"
        try:
            chunks = self._vision(
                llama=llm,
                messages=messages,
                stream=True,
                temperature=params.temperature,
                **_sampler_args(params),
                max_tokens=params.max_tokens,
                stop=list(params.stop) + self.template.stops,
                seed=params.seed,
            )
            for chunk in chunks:
                if cancel is not None and cancel.cancelled:
                    finish = "cancelled"
                    break
                choice = chunk["choices"][0]
                text = (choice.get("delta") or {}).get("content") or ""
                if text:
                    ttft = ttft or time.perf_counter() - t0
                    n_out += 1
                    yield TextChunk(text)
                if choice.get("finish_reason"):
                    finish = "stop" if choice["finish_reason"] == "stop" else "length"
            else:
                chunks = None
            if chunks is not None:
                chunks.close()
        except (ValueError, RuntimeError) as exc:
            raise ModelError(self.path, f"the picture could not be read ({exc})") from None
        prompt = max(0, llm.n_tokens - n_out)
        yield GenerationStats(
            finish_reason=finish,
            prompt_tokens=prompt,
            prompt_eval_tokens=prompt,
            cached_tokens=0,
            completion_tokens=n_out,
            ttft_s=ttft,
            generate_s=time.perf_counter() - t0,
        )

    def complete(
        self,
        prompt: str,
        params: SamplingParams | None = None,
        cancel: CancelToken | None = None,
        *,
        grammar: str | None = None,
    ) -> Iterator[TextChunk | GenerationStats]:
        """Continue ``prompt`` as plain text, without the chat template."""
        with self.lock:
            tokens = self.tokenize_prompt(prompt)
            yield from self._stream_locked(tokens, params or SamplingParams(), cancel, grammar)

    def _prepare_cache(self, tokens: list[int]) -> int:
        """Keep the longest cached prefix of ``tokens``; return how many tokens are reused."""
        llm = self._llm
        reuse = _common_prefix(llm._input_ids[: llm.n_tokens].tolist(), tokens)
        if reuse >= len(tokens):
            reuse = len(tokens) - 1  # the last prompt token must be evaluated for logits
        if reuse > 0 and llm._ctx.kv_cache_seq_rm(-1, reuse, -1):
            llm.n_tokens = reuse
            return reuse
        llm.reset()
        llm._ctx.kv_cache_clear() if hasattr(llm._ctx, "kv_cache_clear") else None
        return 0

    def _set_threads(self, llm, choice: ThreadChoice | None = None) -> None:
        """Threads for this turn, from the cores free now (or the user's fixed number)."""
        import llama_cpp

        choice = choice or choose_threads(self.options.n_threads)
        llama_cpp.llama_set_n_threads(llm._ctx.ctx, choice.decode, choice.batch)
        self.threads = choice
        if self._draft is not None:
            llama_cpp.llama_set_n_threads(self._draft._ctx.ctx, choice.decode, choice.batch)

    def _speculator(self, n_prompt: int, grammar: str | None):
        """Speculation for this turn, or None: not under a grammar (short tool calls), and
        prompt lookup only where the prompt has text to copy."""
        if self.options.speculative == "off" or grammar:
            return None
        from fireside.models import speculative

        if self._draft is None and n_prompt < LOOKUP_MIN_PROMPT:
            return None
        threads = self.threads.decode
        if threads != 1:
            # with two threads or more, answers parted from plain decoding (19 of 20 Debian FAQ
            # answers, 2 threads, bench/bench_speculative.py) although the logits check below
            # passed: attention over a cache that held rejected guesses is summed in another
            # order once its work is split. One thread gave the same answers every time.
            return None
        if threads not in self._exact_batches:
            self._exact_batches[threads] = exact = speculative.batches_are_exact(self._llm)
            self._set_threads(self._llm, self.threads)  # the check evened them out
            if not exact:
                log.info(
                    "%s: batches differ from one-token steps on %d threads; no speculation",
                    self.path,
                    threads,
                )
        if not self._exact_batches[threads]:
            return None
        if self._draft is not None:
            return speculative.Speculator(speculative.DraftModel(self._draft), max_draft=6)
        return speculative.Speculator(speculative.PromptLookup())

    def _stream_locked(self, tokens: list[int], params: SamplingParams, cancel, grammar=None):
        t0 = time.perf_counter()
        llm = self.llama
        if len(tokens) >= self.n_ctx:
            raise ContextOverflowError(
                self.path, f"prompt is {len(tokens)} tokens; the context holds {self.n_ctx}"
            )
        self._set_threads(llm)
        speculator = self._speculator(len(tokens), grammar)
        reused = self._prepare_cache(tokens)
        llm.set_seed(params.seed if params.seed is not None else random.randrange(2**31))
        stops = StopMatcher(list(params.stop) + self.template.stops)
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        vocab = llm._model.vocab
        import llama_cpp

        is_eog = llama_cpp.llama_vocab_is_eog
        piece = _PieceDecoder(vocab)
        n_out, ttft, finish = 0, 0.0, "length"
        sampling = dict(
            temp=params.temperature,
            **_sampler_args(params),
            grammar=_compile_grammar(grammar, vocab) if grammar else None,
        )
        self.speculation = speculator.stats if speculator is not None else None
        if speculator is not None:
            from fireside.models import speculative

            sampler = llm._init_sampler(**sampling)
            gen = speculative.generate(llm, tokens[reused:], sampler, speculator)
        else:
            gen = llm.generate(tokens[reused:], reset=False, **sampling)
        try:
            while True:
                if cancel is not None and cancel.cancelled:
                    finish = "cancelled"
                    break
                if n_out >= params.max_tokens:
                    finish = "length"
                    break
                if llm.n_tokens + 1 >= self.n_ctx:
                    finish = "length"
                    break
                token = next(gen)
                if n_out == 0:
                    ttft = time.perf_counter() - t0
                n_out += 1
                if is_eog(vocab, token):
                    finish = "stop"
                    break
                text = decoder.decode(piece(token))
                shown, hit = stops.feed(text)
                if shown:
                    yield TextChunk(shown)
                if hit:
                    finish = "stop"
                    break
        finally:
            gen.close()
        if finish != "stop":
            # Bytes still held are the start of a character the reply never finished
            # (stopped or cut between the tokens of one Chinese character): dropped, since
            # decoding them would end the reply in U+FFFD.
            rest = stops.flush()
            if rest:
                yield TextChunk(rest)
        # Tokens sampled but never fed back (the last one) are not in the cache.
        yield GenerationStats(
            finish_reason=finish,
            prompt_tokens=len(tokens),
            prompt_eval_tokens=len(tokens) - reused,
            cached_tokens=reused,
            completion_tokens=n_out,
            ttft_s=ttft,
            generate_s=time.perf_counter() - t0,
        )
