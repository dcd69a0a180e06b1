"""Find, load, enable and disable plugins, and collect what they offer.

Plugins come from the ``fireside.plugins`` entry-point group (built-ins included). A plugin
that fails to import, has a bad hook, or raises while registering (tools, chat backends,
commands) is recorded as ``(plugin name, error)`` and skipped; the rest still load. Each app
(or test) builds its own ``PluginManager``: there is no global one, so tests never leak
plugins into each other.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from typing import Any

import pluggy
from fireside.plugins.context import PluginContext
from fireside.plugins.hookspecs import PROJECT, FiresideSpecs
from fireside.plugins.offers import BackendOffer, CommandOffer, collect_backends, collect_commands
from fireside.plugins.registry import ToolRegistry
from fireside.plugins.tools import DEFAULT_TIMEOUT_S, Tool

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "fireside.plugins"


@dataclass
class PluginInfo:
    name: str
    module: str
    enabled: bool
    loaded: bool = False
    error: str | None = None
    tools: list[str] = field(default_factory=list)


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


class PluginManager:
    """The plugins of one app instance, keyed by entry-point name."""

    def __init__(
        self,
        disabled: Iterable[str] = (),
        *,
        group: str = ENTRY_POINT_GROUP,
        context: PluginContext | None = None,
    ) -> None:
        self.group = group
        self.context = context or PluginContext()
        self.disabled: set[str] = set(disabled)
        self.failures: list[tuple[str, str]] = []  # load and registration errors
        self.hook_failures: list[tuple[str, str]] = []  # errors raised by lifecycle hooks
        self._pm = pluggy.PluginManager(PROJECT)
        self._pm.add_hookspecs(FiresideSpecs)
        self._info: dict[str, PluginInfo] = {}
        self._entry_points: dict[str, EntryPoint] = {}
        self._tools: dict[str, list[Tool]] = {}
        self._backends: dict[str, list[BackendOffer]] = {}
        self._commands: dict[str, list[CommandOffer]] = {}

    # -- loading ---------------------------------------------------------------------------
    def load_entry_points(self) -> None:
        """Import every enabled plugin of the group; failures are recorded, never raised."""
        for ep in sorted(entry_points(group=self.group), key=lambda e: e.name):
            if ep.name in self._info:
                if self._info[ep.name].module != ep.value:
                    self.failures.append((ep.name, f"duplicate plugin name (also {ep.value})"))
                continue  # already known: loading twice changes nothing
            self._entry_points[ep.name] = ep
            self._info[ep.name] = PluginInfo(ep.name, ep.value, ep.name not in self.disabled)
            if ep.name not in self.disabled:
                self._load(ep.name, ep.load)

    def add_plugin(self, name: str, plugin: Any) -> None:
        """Register an already imported plugin object or module (embedding, tests)."""
        module = getattr(plugin, "__name__", type(plugin).__name__)
        self._info[name] = PluginInfo(name, module, name not in self.disabled)
        if name not in self.disabled:
            self._load(name, lambda: plugin)

    def _load(self, name: str, load: Callable[[], Any]) -> None:
        info = self._info[name]
        try:
            plugin = load()
            self._check_hooks(plugin)
            self._pm.register(plugin, name=name)
        except Exception as exc:  # noqa: BLE001 - any plugin bug is reported, not raised
            log.warning("plugin %s failed to load", name, exc_info=True)
            info.error = _error_text(exc)
            self.failures.append((name, info.error))
            return
        hook = "register_tools"
        try:
            tools = self._collect_tools(name)
            hook = "register_backends"
            backends = collect_backends(
                name, self._impls(hook, name), {o.model_id: o.plugin for o in self.backends()}
            )
            hook = "register_commands"
            commands = collect_commands(
                name,
                self._impls(hook, name),
                {o.name: o.plugin for o in self._all_commands()},
                self.context,
            )
        except Exception as exc:  # noqa: BLE001
            log.warning("plugin %s: %s failed", name, hook, exc_info=True)
            self._pm.unregister(name=name)
            info.error = f"{hook} failed: {_error_text(exc)}"
            self.failures.append((name, info.error))
            return
        info.loaded = True
        self._tools[name] = tools
        self._backends[name] = backends
        self._commands[name] = commands
        info.tools = [t.name for t in tools]

    def _check_hooks(self, plugin: Any) -> None:
        """Reject hook implementations that match no spec (usually a misspelt name)."""
        for attr in dir(plugin):
            opts = self._pm.parse_hookimpl_opts(plugin, attr)
            if opts is not None and not hasattr(FiresideSpecs, attr):
                raise ValueError(f"unknown hook '{attr}'")

    def _impls(self, hook: str, name: str | None = None) -> list:
        impls = getattr(self._pm.hook, hook).get_hookimpls()
        return [i for i in impls if name is None or i.plugin_name == name]

    def _collect_tools(self, name: str) -> list[Tool]:
        taken = {t.name: owner for owner, tools in self._tools.items() for t in tools}
        found: list[Tool] = []

        def register(func: Any, **options: Any) -> Tool:
            if isinstance(func, Tool):
                tool = func
                tool.plugin = name
            else:
                options.setdefault("timeout_s", DEFAULT_TIMEOUT_S)
                tool = Tool.from_function(func, plugin=name, **options)
            if tool.name in taken or any(t.name == tool.name for t in found):
                owner = taken.get(tool.name, name)
                raise ValueError(f"tool '{tool.name}' is already provided by plugin '{owner}'")
            found.append(tool)
            return tool

        for impl in self._impls("register_tools", name):
            args = {"register": register, "context": self.context}
            impl.function(*[args[a] for a in impl.argnames])
        return found

    # -- enable / disable ------------------------------------------------------------------
    def disable(self, name: str) -> None:
        """Stop using a plugin now (its tools and hooks disappear)."""
        self.disabled.add(name)
        if self._pm.has_plugin(name):
            self._pm.unregister(name=name)
        self._tools.pop(name, None)
        self._backends.pop(name, None)
        self._commands.pop(name, None)
        if name in self._info:
            self._info[name].enabled = False
            self._info[name].loaded = False

    def enable(self, name: str) -> None:
        """Load a disabled plugin from its entry point."""
        self.disabled.discard(name)
        info = self._info.get(name)
        if info is None or info.loaded or name not in self._entry_points:
            return
        info.enabled, info.error = True, None
        self._load(name, self._entry_points[name].load)

    # -- what the plugins offer ------------------------------------------------------------
    def plugins(self) -> list[PluginInfo]:
        return sorted(self._info.values(), key=lambda p: p.name)

    def tools(self) -> list[Tool]:
        return [tool for name in sorted(self._tools) for tool in self._tools[name]]

    def tool_registry(self) -> ToolRegistry:
        return ToolRegistry(self.tools())

    def backends(self) -> list[BackendOffer]:
        """The chat models of the enabled plugins, plugin by plugin."""
        return [offer for name in sorted(self._backends) for offer in self._backends[name]]

    def backend_offer(self, model_id: str) -> BackendOffer | None:
        """Who serves ``model_id``: an exact id first, else the longest matching prefix."""
        offers = [o for o in self.backends() if o.matches(model_id)]
        exact = next((o for o in offers if not o.prefix), None)
        return exact or max(offers, key=lambda o: len(o.model_id), default=None)

    def commands(self, reserved: Iterable[str] = ()) -> list[CommandOffer]:
        """The enabled plugins' subcommands, except those named like a ``reserved`` (built-in)
        command: those are refused and recorded as their plugin's failure."""
        reserved = set(reserved)
        accepted = []
        for offer in self._all_commands():
            if offer.name not in reserved:
                accepted.append(offer)
                continue
            failure = (offer.plugin, f"command '{offer.name}' is a built-in command; not added")
            if failure not in self.failures:
                log.warning("plugin %s: %s", *failure)
                self.failures.append(failure)
        return accepted

    def _all_commands(self) -> list[CommandOffer]:
        return [offer for name in sorted(self._commands) for offer in self._commands[name]]

    def document_loaders(self) -> list[tuple[list[str], Callable[..., Any]]]:
        """``(extensions, loader)`` pairs; extensions are lower case with a leading dot."""
        loaders: list[tuple[list[str], Callable[..., Any]]] = []
        for impl in self._impls("register_document_loaders"):

            def register(extensions: Sequence[str], loader: Callable[..., Any]) -> None:
                exts = [e.lower() if e.startswith(".") else f".{e.lower()}" for e in extensions]
                loaders.append((exts, loader))

            self._call(impl, register=register)
        return loaders

    def embedders(self) -> list[tuple[str, Callable[[], Any], dict[str, Any]]]:
        """``(name, factory, options)`` triples; options: ``description``, ``aliases``."""
        found: list[tuple[str, Callable[[], Any], dict[str, Any]]] = []
        for impl in self._impls("register_embedders"):

            def register(name: str, factory: Callable[[], Any], **options: Any) -> None:
                found.append((name, factory, options))

            self._call(impl, register=register)
        return found

    def before_prompt(self, messages: list[dict]) -> list[str]:
        """Extra context from every plugin that has some (each gets its own copy)."""
        extra = []
        for impl in self._impls("before_prompt"):
            text = self._call(impl, messages=copy.deepcopy(messages))
            if isinstance(text, str) and text.strip():
                extra.append(text)
        return extra

    def after_reply(self, text: str, conversation_id: int | None = None) -> None:
        for impl in self._impls("after_reply"):
            self._call(impl, text=text, conversation_id=conversation_id)

    def _call(self, impl: Any, **kwargs: Any) -> Any:
        """One plugin's hook with only the arguments it asks for; errors are recorded."""
        try:
            return impl.function(*[kwargs[a] for a in impl.argnames])
        except Exception as exc:  # noqa: BLE001
            log.warning(
                "plugin %s: hook %s failed", impl.plugin_name, impl.function.__name__, exc_info=True
            )
            self.hook_failures.append((impl.plugin_name, _error_text(exc)))
            return None
