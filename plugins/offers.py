"""What plugins offer besides tools: chat backends and ``fireside`` subcommands.

Each plugin's ``register_backends`` and ``register_commands`` run once, when it loads; the
``register`` callbacks here check what they are given at once, so a mistake (a model id or
command name another plugin already has, a factory that is not callable) is reported as
that plugin's load failure, while the factories and handlers themselves run only when used.
This layer knows neither the model layer nor argparse: the model manager and the command
line turn these records into backends and subparsers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

COMMAND_NAME_RE = re.compile(r"^[a-z][a-z0-9-]{0,39}$")


@dataclass(frozen=True)
class BackendOffer:
    """A model id (or, with ``prefix``, every id starting with it) and its factory."""

    plugin: str
    model_id: str
    factory: Callable[[str], Any]
    description: str = ""
    prefix: bool = False
    models: Callable[[], Iterable[str]] | None = None  # a prefix's ids worth listing

    def matches(self, model_id: str) -> bool:
        if self.prefix:
            return model_id.startswith(self.model_id) and model_id != self.model_id
        return model_id == self.model_id


@dataclass(frozen=True)
class CommandOffer:
    """A subcommand: ``arguments(parser)`` adds its arguments, ``handler(args, app)`` runs."""

    plugin: str
    name: str
    handler: Callable[..., int | None]
    help: str = ""
    description: str | None = None
    arguments: Callable[[Any], None] | None = None


def collect_backends(plugin: str, impls: list, owners: Mapping[str, str]) -> list[BackendOffer]:
    """Call the plugin's ``register_backends``; ``owners`` maps ids taken to their plugin."""
    found: list[BackendOffer] = []

    def register(
        model_id: str,
        factory: Callable[[str], Any],
        *,
        description: str = "",
        prefix: bool = False,
        models: Callable[[], Iterable[str]] | None = None,
    ) -> None:
        if not isinstance(model_id, str) or not model_id or model_id != model_id.strip():
            raise ValueError(f"{model_id!r} is not a usable model id")
        if any(c.isspace() for c in model_id):
            raise ValueError(f"the model id {model_id!r} contains white space")
        if not callable(factory):
            raise TypeError(f"the factory for {model_id!r} is not callable")
        if models is not None and not callable(models):
            raise TypeError(f"models= for {model_id!r} must be a function returning model ids")
        mine = any(o.model_id == model_id for o in found)
        taken = owners.get(model_id) or (plugin if mine else None)
        if taken:
            raise ValueError(f"model '{model_id}' is already provided by plugin '{taken}'")
        found.append(BackendOffer(plugin, model_id, factory, description, prefix, models))

    for impl in impls:
        impl.function(*[register for _ in impl.argnames])
    return found


def collect_commands(
    plugin: str, impls: list, owners: Mapping[str, str], context: Any = None
) -> list[CommandOffer]:
    """Call the plugin's ``register_commands``; ``owners`` maps names taken to their plugin."""
    found: list[CommandOffer] = []

    def register(
        name: str,
        handler: Callable[..., int | None],
        *,
        help: str = "",
        description: str | None = None,
        arguments: Callable[[Any], None] | None = None,
    ) -> None:
        if not isinstance(name, str) or not COMMAND_NAME_RE.match(name):
            raise ValueError(
                f"{name!r} is not a usable command name: lower-case letters, digits and '-', "
                "starting with a letter"
            )
        if not callable(handler):
            raise TypeError(f"the handler of command {name!r} is not callable")
        if arguments is not None and not callable(arguments):
            raise TypeError(f"arguments= of command {name!r} must be a function(parser)")
        mine = any(o.name == name for o in found)
        taken = owners.get(name) or (plugin if mine else None)
        if taken:
            raise ValueError(f"command '{name}' is already provided by plugin '{taken}'")
        found.append(CommandOffer(plugin, name, handler, help, description, arguments))

    for impl in impls:
        args = {"register": register, "context": context}
        impl.function(*[args[a] for a in impl.argnames])
    return found
