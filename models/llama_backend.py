"""Chat with a GGUF model through llama-cpp-python, one reply at a time.

Why not ``create_chat_completion``: it re-detokenizes the whole reply on every token
(quadratic), hides how much of the prompt came from the KV cache, and cannot be stopped
between tokens. This loop decodes each token once, reuses the longest cached prompt prefix
across turns (keeping Gemma's full sliding-window cache so that reuse is possible), and
checks a cancel flag before every token.
"""

from __future__ import annotations

import codecs
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
from fireside.models.errors import ContextOverflowError, ModelError, ModelTooLargeError
from fireside.models.generation import CancelToken, GenerationStats, TextChunk
from fireside.models.gguf_info import GGUFInfo, inspect_gguf
from fireside.models.hardware import default_threads, resolve_gpu_layers
from fireside.models.memory_fit import TOO_LARGE, machine_fit
from fireside.models.projector import find_projector
from fireside.models.sampling import SamplingParams
from fireside.models.stop_strings import StopMatcher

DEFAULT_CTX = 4096
CLOSE_WAIT_S = 60.0


@dataclass
class LoadOptions:
    n_ctx: int | None = None  # None: min(trained context, 4096)
    n_threads: int | None = None
    n_gpu_layers: int | str = "auto"
    chat_template: str | None = None  # built-in name or Jinja text; None: from the GGUF
    check_memory: bool = True
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


def _compile_grammar(text: str):
    from llama_cpp import LlamaGrammar

    try:
        return LlamaGrammar.from_string(text, verbose=False)
    except ValueError as exc:
        raise ModelError(None, f"invalid grammar: {exc}") from None


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
        self._last_prompt: tuple[str, list[int]] | None = None
        self.report: LoadReport | None = None

    # -- loading ---------------------------------------------------------------------------
    def check_memory(self) -> None:
        fit = machine_fit(self.info.memory_estimate(self.n_ctx))
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
        threads = self.options.n_threads or default_threads()
        gpu_layers = resolve_gpu_layers(self.options.n_gpu_layers, self.info.n_layers)
        t0 = time.perf_counter()
        try:
            self._llm = Llama(
                model_path=str(self.path),
                n_ctx=self.n_ctx,
                n_threads=threads,
                # llama-cpp-python's default is every logical CPU, which makes prompt
                # processing crawl when the machine is busy; follow the decode threads.
                n_threads_batch=threads,
                n_gpu_layers=gpu_layers,
                use_mmap=True,
                swa_full=bool(self.info.sliding_window),
                verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as exc:
            cause = llama_log.last_error() or str(exc).strip()
            raise ModelError(self.path, f"llama.cpp could not load the model ({cause})") from None
        self.report = LoadReport(
            path=str(self.path),
            n_ctx=self.n_ctx,
            n_threads=threads,
            n_gpu_layers=gpu_layers,
            device="gpu" if gpu_layers != 0 else "cpu",
            template_source=self.template.source,
            load_s=time.perf_counter() - t0,
        )
        return self.report

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
        llm = self.llama
        tokens = llm.tokenize(prompt.encode("utf-8"), add_bos=False, special=True)
        bos = llm.token_bos()
        if llm._model.add_bos_token() and bos >= 0 and (not tokens or tokens[0] != bos):
            tokens.insert(0, bos)
        return tokens

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
        tokens = self.tokenize_prompt(self.render(messages))
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
        n_out, ttft, finish = 0, 0.0, "length"
        try:
            chunks = self._vision(
                llama=llm,
                messages=messages,
                stream=True,
                temperature=params.temperature,
                top_p=params.top_p,
                top_k=params.top_k,
                min_p=params.min_p,
                repeat_penalty=params.repeat_penalty,
                presence_penalty=params.presence_penalty,
                frequency_penalty=params.frequency_penalty,
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

    def _stream_locked(self, tokens: list[int], params: SamplingParams, cancel, grammar=None):
        t0 = time.perf_counter()
        llm = self.llama
        if len(tokens) >= self.n_ctx:
            raise ContextOverflowError(
                self.path, f"prompt is {len(tokens)} tokens; the context holds {self.n_ctx}"
            )
        reused = self._prepare_cache(tokens)
        llm.set_seed(params.seed if params.seed is not None else random.randrange(2**31))
        stops = StopMatcher(list(params.stop) + self.template.stops)
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        vocab = llm._model.vocab
        import llama_cpp

        is_eog = llama_cpp.llama_vocab_is_eog
        piece = _PieceDecoder(vocab)
        n_out, ttft, finish = 0, 0.0, "length"
        gen = llm.generate(
            tokens[reused:],
            top_k=params.top_k,
            top_p=params.top_p,
            min_p=params.min_p,
            temp=params.temperature,
            repeat_penalty=params.repeat_penalty,
            presence_penalty=params.presence_penalty,
            frequency_penalty=params.frequency_penalty,
            reset=False,
            grammar=_compile_grammar(grammar) if grammar else None,
        )
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
            rest = stops.flush() + decoder.decode(b"", final=True)
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
