"""A scripted model behind the real engine and history, for window behaviour tests.

Only token generation is scripted: ``ChatEngine`` and ``HistoryStore`` are the real ones,
so versions, edits, stops and errors are stored exactly as with a real model, while the
text, its speed and its failures are chosen by the test.
"""

from __future__ import annotations

from fireside.assistant.app import App, build_app
from fireside.assistant.model_manager import ModelManager
from fireside.assistant.settings import Settings

from tests.scripted_backend import ScriptedBackend


class ScriptedModels(ModelManager):
    """The real manager (paths, inspection, settings), with ``get`` returning the script."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.tokens: list[str] = ["Hello", " there", "!"]
        self.delay_s = 0.0
        self.fail_after: int | None = None

    def get(self, path=None, options=None) -> ScriptedBackend:
        resolved = self.resolve_path(path)
        backend = ScriptedBackend(
            resolved, list(self.tokens), delay_s=self.delay_s, fail_after=self.fail_after
        )
        previous = getattr(self, "_backend", None)
        if previous is not None:  # the window may load the model again: one record of prompts
            backend.calls, backend.grammars = previous.calls, previous.grammars
        self._backend = backend
        return backend


def scripted_app() -> App:
    """``build_app``, with the scripted model manager in place of the real one."""
    app = build_app()
    models = ScriptedModels(app.settings)
    app.models = models
    app.engine.models = models
    return app
