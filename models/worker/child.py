"""The model worker's side of the pipe: one ``LlamaBackend``, serving one request at a time.

Runs in a process started with ``spawn`` (a fresh interpreter, no copied threads or locks).
It owns llama.cpp and the KV cache, so reuse across turns works exactly as in process, and
a native crash here costs one reply, never the app.

Pipe protocol (tuples, pickled by ``multiprocessing``): the parent sends
``(op, *args)``; the worker answers ``("ok", value)`` or ``("e", ModelError)``. A generation
answers with bare ``str`` chunks (the cheapest message to pickle, one per token), then
``("s", GenerationStats)`` or ``("e", ModelError)``. While loading it reports
``("phase", name)`` so that a crash can be told apart from a failed decode.
"""

from __future__ import annotations

import signal

from fireside.models.errors import ModelError
from fireside.models.generation import TextChunk
from fireside.models.sampling import SamplingParams

WARM_UP_PROMPT = "The quick brown fox jumps over the lazy dog. The"


class _EventCancel:
    """The ``CancelToken`` face of the shared event the parent sets."""

    def __init__(self, event) -> None:
        self._event = event

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


def _warm_up(backend) -> None:
    """Decode a few tokens of a multi-token prompt: where a bad build dies, it dies here."""
    params = SamplingParams(temperature=0, max_tokens=2, repeat_penalty=1.0, seed=0)
    for _ in backend.complete(WARM_UP_PROMPT, params):
        pass


def _as_model_error(path: str, exc: Exception) -> ModelError:
    if isinstance(exc, ModelError):
        return exc
    return ModelError(path, f"the model worker failed ({type(exc).__name__}: {exc})")


def serve(conn, cancel_event, parent_pid: int, path: str, options, warm_up: bool) -> None:
    """The worker process's main function (the ``multiprocessing.Process`` target)."""
    from fireside.models.worker.lifeline import tie_to_parent

    # Ctrl-C in a terminal reaches the whole process group; the app decides what it means
    # (stop the reply, keep the text) and tells the worker through the cancel event.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    tie_to_parent(parent_pid)
    from fireside.models.llama_backend import LlamaBackend

    try:
        conn.send(("phase", "load"))
        backend = LlamaBackend(path, options)
        backend.load()
        if warm_up:
            conn.send(("phase", "warm-up"))
            _warm_up(backend)
        conn.send(("ok", backend.description))
    except Exception as exc:  # noqa: BLE001 - every failure goes back as one line
        conn.send(("e", _as_model_error(path, exc)))
        return
    cancel = _EventCancel(cancel_event)
    send = conn.send
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):  # the parent closed the pipe or is gone
            break
        op, args = request[0], request[1:]
        if op == "close":
            break
        try:
            if op == "stream" or op == "complete":
                if op == "stream":
                    messages, params, grammar, tools = args
                    items = backend.stream(messages, params, cancel, grammar=grammar, tools=tools)
                else:
                    prompt, params, grammar = args
                    items = backend.complete(prompt, params, cancel, grammar=grammar)
                for item in items:
                    send(item.text if isinstance(item, TextChunk) else ("s", item))
            elif op == "count_tokens":
                send(("ok", backend.count_tokens(args[0])))
            elif op == "count_text":
                send(("ok", backend.count_text(args[0])))
            elif op == "cached_tokens":
                send(("ok", backend.cached_tokens))
            elif op == "reset_cache":
                backend.llama.reset()
                send(("ok", None))
            else:
                send(("e", ModelError(path, f"unknown model worker request {op!r}")))
        except (BrokenPipeError, EOFError):
            break
        except Exception as exc:  # noqa: BLE001 - a failed request must not end the worker
            send(("e", _as_model_error(path, exc)))
    backend.close()
