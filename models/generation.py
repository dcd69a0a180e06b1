"""The plain data a backend streams: text chunks, then one summary of the reply."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass


class CancelToken:
    """Set from any thread; the generating loop checks it before each token.

    A backend whose loop runs elsewhere (the model worker process) subscribes to forward
    the cancel at once, instead of polling for it.
    """

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._listeners: list[Callable[[], None]] = []

    def cancel(self) -> None:
        self._event.set()
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener()

    def subscribe(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call ``listener`` on cancel (now, if already cancelled); returns the unsubscribe."""
        with self._lock:
            self._listeners.append(listener)
        if self.cancelled:
            listener()

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until cancelled or ``timeout`` passes; True when cancelled."""
        return self._event.wait(timeout)


@dataclass
class TextChunk:
    text: str


@dataclass
class GenerationStats:
    """What the backend measured for one reply.

    ``prompt_eval_tokens`` is how many prompt tokens were actually processed; the rest
    (``cached_tokens``) came from the KV cache of the previous turn.
    """

    finish_reason: str  # "stop", "length", "cancelled"
    prompt_tokens: int
    prompt_eval_tokens: int
    cached_tokens: int
    completion_tokens: int
    ttft_s: float
    generate_s: float

    @property
    def tokens_per_s(self) -> float:
        decode_s = self.generate_s - self.ttft_s
        if self.completion_tokens <= 1 or decode_s <= 0:
            return 0.0
        return (self.completion_tokens - 1) / decode_s

    def to_dict(self) -> dict:
        data = asdict(self)
        data["tokens_per_s"] = round(self.tokens_per_s, 2)
        return data
