"""Chat models offered by plugins (``register_backends``), opened on first use and kept.

The model manager asks here only about an id that is neither a file nor a remote
``CONNECTION/MODEL``, so opening a GGUF never loads the plugins. A plugin's backend is
someone else's code: ``PluginBackend`` wraps it so that whatever it raises, while opening or
while replying, reaches the engine as a one-line ``ModelError`` naming the plugin (the
traceback goes to the log), and a reply always ends with its ``GenerationStats``. A disabled
plugin's models disappear: the next look-up finds no offer and closes what was open.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from fireside.models.backend import ChatBackend, ModelDescription, StreamItem
from fireside.models.errors import ModelError
from fireside.models.generation import CancelToken, GenerationStats, TextChunk
from fireside.models.sampling import SamplingParams
from fireside.plugins.manager import PluginManager
from fireside.plugins.offers import BackendOffer

from fireside.errors import FiresideError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PluginModel:
    """A model to list beside the files and remote models."""

    id: str
    plugin: str
    description: str = ""


class PluginBackend:
    """One plugin model behind the ``ChatBackend`` interface, its failures one line each."""

    def __init__(self, offer: BackendOffer, model_id: str, inner: ChatBackend, load_s: float):
        self.offer = offer
        self.model_id = model_id
        self.inner = inner
        self.load_s = load_s

    @classmethod
    def open(cls, offer: BackendOffer, model_id: str) -> PluginBackend:
        t0 = time.perf_counter()
        try:
            inner = offer.factory(model_id)
        except Exception as exc:  # noqa: BLE001 - a plugin's bug is its one-line error
            raise _failure(offer, model_id, "while opening the model", exc) from None
        if not isinstance(inner, ChatBackend):
            raise ModelError(
                model_id,
                f"the plugin '{offer.plugin}' returned a {type(inner).__name__}, "
                "not a chat backend",
            )
        backend = cls(offer, model_id, inner, time.perf_counter() - t0)
        backend.description  # noqa: B018 - a broken description is an error now, not mid-chat
        return backend

    @property
    def plugin(self) -> str:
        return self.offer.plugin

    @property
    def description(self) -> ModelDescription:
        try:
            description = self.inner.description
        except Exception as exc:  # noqa: BLE001
            raise _failure(self.offer, self.model_id, "while describing the model", exc) from None
        if not isinstance(description, ModelDescription):
            raise ModelError(
                self.model_id,
                f"the plugin '{self.plugin}' described the model with a "
                f"{type(description).__name__}, not a ModelDescription",
            )
        # the id is what the history, the settings and the picker know the model by
        return replace(description, id=self.model_id, load_s=description.load_s or self.load_s)

    def count_tokens(self, messages: list[dict]) -> int:
        return self._call("while counting tokens", self.inner.count_tokens, messages)

    def count_text(self, text: str) -> int:
        return self._call("while counting tokens", self.inner.count_text, text)

    def stream(
        self,
        messages: list[dict],
        params: SamplingParams | None = None,
        cancel: CancelToken | None = None,
        *,
        grammar: str | None = None,
        tools: list[dict] | None = None,
    ) -> Iterator[StreamItem]:
        yield from self._guarded(
            lambda: self.inner.stream(messages, params, cancel, grammar=grammar, tools=tools),
            cancel,
        )

    def complete(
        self,
        prompt: str,
        params: SamplingParams | None = None,
        cancel: CancelToken | None = None,
        *,
        grammar: str | None = None,
    ) -> Iterator[StreamItem]:
        yield from self._guarded(
            lambda: self.inner.complete(prompt, params, cancel, grammar=grammar), cancel
        )

    def close(self) -> None:
        try:
            self.inner.close()
        except Exception:  # noqa: BLE001 - closing must not stop the app from closing
            log.warning("plugin %s: closing %s failed", self.plugin, self.model_id, exc_info=True)

    def _call(self, doing: str, func: Callable, *args):
        try:
            return func(*args)
        except Exception as exc:  # noqa: BLE001
            raise _failure(self.offer, self.model_id, doing, exc) from None

    def _guarded(self, start: Callable[[], Iterator], cancel: CancelToken | None):
        """The plugin's items, plain strings taken as text; stats added if it sent none."""
        t0 = time.perf_counter()
        pieces, ended = 0, False
        items = None
        try:
            items = iter(start())
            for item in items:
                if isinstance(item, str):
                    item = TextChunk(item)
                if isinstance(item, TextChunk):
                    pieces += 1
                elif isinstance(item, GenerationStats):
                    ended = True
                else:
                    raise TypeError(f"the reply held a {type(item).__name__}, not text")
                yield item
        except Exception as exc:  # noqa: BLE001
            raise _failure(self.offer, self.model_id, "while replying", exc) from None
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                try:
                    close()  # a reply left early: the plugin's own clean-up runs now
                except Exception:  # noqa: BLE001
                    log.warning("plugin %s: ending a reply failed", self.plugin, exc_info=True)
        if not ended:
            finish = "cancelled" if cancel is not None and cancel.cancelled else "stop"
            elapsed = time.perf_counter() - t0
            yield GenerationStats(finish, 0, 0, 0, pieces, 0.0, elapsed)


class PluginBackends:
    """The plugins' models: found through the app's plugin manager, loaded on first ask."""

    def __init__(self, plugins: Callable[[], PluginManager]) -> None:
        self._plugins = plugins
        self._plugins_lock = threading.Lock()  # the manager is built once, by one thread
        self._open: dict[str, PluginBackend] = {}
        self._lock = threading.Lock()

    def _manager(self) -> PluginManager:
        with self._plugins_lock:
            return self._plugins()

    def offer(self, model_id: str) -> BackendOffer | None:
        """The plugin offer for ``model_id``; a backend left from a disabled plugin closes."""
        offer = self._manager().backend_offer(model_id)
        with self._lock:
            stale = self._open.get(model_id)
            if stale is not None and stale.offer is not offer:
                del self._open[model_id]
            else:
                stale = None
        if stale is not None:
            stale.close()
        return offer

    def owns(self, model_id: str) -> bool:
        return self.offer(model_id) is not None

    def backend_for(self, model_id: str) -> PluginBackend:
        """The open backend for ``model_id``, opening it (the plugin's factory) if needed."""
        offer = self.offer(model_id)
        if offer is None:
            raise ModelError(model_id, "no enabled plugin offers this model")
        with self._lock:
            backend = self._open.get(model_id)
        if backend is not None:
            return backend
        backend = PluginBackend.open(offer, model_id)  # may be slow: not under the lock
        with self._lock:
            kept = self._open.setdefault(model_id, backend)
        if kept is not backend:
            backend.close()  # another thread opened it meanwhile
        return kept

    def opened(self, model_id: str) -> PluginBackend | None:
        """The backend already open for ``model_id``, without opening one."""
        with self._lock:
            return self._open.get(model_id)

    def models(self) -> list[PluginModel]:
        """Every model the enabled plugins list (a prefix's ``models()`` may take time)."""
        manager = self._manager()
        found: list[PluginModel] = []
        for offer in manager.backends():
            if not offer.prefix:
                found.append(PluginModel(offer.model_id, offer.plugin, offer.description))
                continue
            if offer.models is None:
                continue
            try:
                ids = [i for i in offer.models() if isinstance(i, str) and offer.matches(i)]
            except Exception as exc:  # noqa: BLE001
                log.warning("plugin %s: listing its models failed", offer.plugin, exc_info=True)
                manager.hook_failures.append((offer.plugin, f"listing models: {_text(exc)}"))
                continue
            found += [PluginModel(i, offer.plugin, offer.description) for i in ids]
        return found

    def close(self) -> None:
        with self._lock:
            backends, self._open = list(self._open.values()), {}
        for backend in backends:
            backend.close()


def _text(exc: BaseException) -> str:
    if isinstance(exc, ModelError):
        text = exc.cause
    elif isinstance(exc, FiresideError):
        text = str(exc)
    else:
        text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return (text.strip().splitlines() or [""])[0]


def _failure(offer: BackendOffer, model_id: str, doing: str, exc: BaseException) -> ModelError:
    log.warning("plugin %s failed %s (%s)", offer.plugin, doing, model_id, exc_info=exc)
    return ModelError(model_id, f"the plugin '{offer.plugin}' failed {doing}: {_text(exc)}")
