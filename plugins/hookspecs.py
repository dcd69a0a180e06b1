"""The hooks a Fireside plugin may implement (pluggy project ``"fireside"``).

A plugin is a module (or object) named by an entry point in the ``fireside.plugins`` group,
with functions marked ``@hookimpl``. The built-in calculator and weather tools are plugins
of exactly this kind, so third-party plugins get no less than they do. A hook implementation
may accept only the arguments it needs. The ``register_*`` hooks run once, when the plugin
loads, and must be quick: what costs time (a model, a connection) belongs in the factory or
handler they register, which runs only when used.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

import pluggy
from fireside.plugins.context import PluginContext

PROJECT = "fireside"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


class RegisterTool(Protocol):
    """``register(func, *, name=None, description=None, network=False, filesystem=False,
    timeout_s=10.0)``; ``func`` may also be a ready ``fireside.plugins.tools.Tool``."""

    def __call__(self, func: Callable[..., Any] | Any, **options: Any) -> Any: ...


RegisterDocumentLoader = Callable[[Sequence[str], Callable[..., Any]], None]
"""``register(extensions, loader)``: ``extensions`` like ``[".txt", ".log"]``."""


RegisterEmbedder = Callable[..., None]
"""``register(name, factory, *, description="", aliases=())``: ``factory()`` returns an object
with ``name``, ``dim``, ``relevance_threshold``, ``similarity_floor``, ``encode(texts)`` and
``encode_query(text)`` (L2-normalised float32 rows)."""


class RegisterBackend(Protocol):
    """``register(model_id, factory, *, description="", prefix=False, models=None)``.

    ``factory(model_id)`` returns a ``fireside.models.backend.ChatBackend``. With
    ``prefix=True`` every id that starts with ``model_id`` goes to the factory, and
    ``models()`` (optional) names the ones to list in model pickers.
    """

    def __call__(self, model_id: str, factory: Callable[[str], Any], **options: Any) -> None: ...


class RegisterCommand(Protocol):
    """``register(name, handler, *, help="", description=None, arguments=None)``.

    ``arguments(parser)`` adds the command's arguments to an ``argparse.ArgumentParser``;
    ``handler(args, app)`` runs it with the parsed ``args`` and the ``fireside.assistant.app.App``
    and returns the exit code (``None`` is 0).
    """

    def __call__(self, name: str, handler: Callable[..., int | None], **options: Any) -> None: ...


class FiresideSpecs:
    """Hook specifications; the manager calls each plugin's implementation separately, so one
    plugin that raises is recorded and skipped instead of breaking the others."""

    @hookspec
    def register_tools(self, register: RegisterTool, context: PluginContext) -> None:
        """Offer tools: call ``register(function, network=..., ...)`` once per tool.

        ``context`` (optional) lends the app's data folder, settings and secret store.

        The tool's name is the function name, its description the docstring (up to
        ``Args:``), its JSON schema the annotated signature. Declare ``network=True`` or
        ``filesystem=True`` honestly: those tools run only after the user approves.
        """

    @hookspec
    def register_document_loaders(self, register: RegisterDocumentLoader) -> None:
        """Offer document loaders: ``register([".ext", ...], loader)`` per loader."""

    @hookspec
    def register_embedders(self, register: RegisterEmbedder) -> None:
        """Offer embedding models for document collections: ``register(name, factory)``.

        The factory is called on first use, off the UI thread; the name is what collections
        record, so keep it stable.
        """

    @hookspec
    def register_backends(self, register: RegisterBackend) -> None:
        """Offer chat models: ``register("plugin/model", factory)`` per model (or prefix).

        Used wherever a model id is taken (``--model``, the model picker, the local API)
        when the id is neither a file nor a remote ``CONNECTION/MODEL``. The factory runs on
        first use, off the UI thread; what it or the backend raises is reported in one line
        naming the plugin.
        """

    @hookspec
    def register_commands(self, register: RegisterCommand, context: PluginContext) -> None:
        """Add ``fireside`` subcommands: ``register("name", handler, help=..., arguments=...)``.

        A built-in command's name cannot be taken. A handler's ``FiresideError`` is printed as
        one line with exit code 2, like a built-in command's.
        """

    @hookspec
    def before_prompt(self, messages: list[dict]) -> str | None:
        """Called before each reply with a copy of the chat messages.

        Return text to add to the model's context (e.g. today's date), or None.
        """

    @hookspec
    def after_reply(self, text: str, conversation_id: int | None) -> None:
        """Called after each complete reply (logging, statistics). The return value is
        ignored."""
