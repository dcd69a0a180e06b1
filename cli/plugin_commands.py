"""Subcommands added by plugins (``register_commands``), beside the built-in ones.

Plugins are loaded for the parser only when the command line names no built-in command
(``fireside --help``, ``fireside example-words ...``), so ``fireside history list`` imports
no plugin. A plugin command cannot take a built-in name: it is left out with a warning and
recorded as its plugin's failure. Its handler gets the parsed arguments and an ``App`` built
for the command (closed after); the CLI's error boundary treats it like any command.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Collection, Sequence

from fireside.assistant.settings import Paths
from fireside.assistant.settings_store import SettingsStore
from fireside.plugins.manager import PluginManager
from fireside.plugins.offers import CommandOffer

log = logging.getLogger(__name__)

TOP_LEVEL_FLAGS = ("-v", "--verbose")


def command_named(argv: Sequence[str]) -> str | None:
    """The subcommand in ``argv``: its first word that is not a top-level option."""
    for arg in argv:
        if arg == "--":
            return None
        if not arg.startswith("-"):
            return arg
    return None


def wanted(argv: Sequence[str] | None, builtin: Collection[str]) -> bool:
    return argv is None or command_named(argv) not in builtin


def add_plugin_commands(sub: argparse._SubParsersAction, builtin: Collection[str]) -> None:
    """Add every enabled plugin's commands to ``sub``; a broken plugin never stops the CLI."""
    try:
        settings = SettingsStore(Paths.from_env().settings_file).settings
        manager = PluginManager(disabled=settings.plugins.disabled)
        manager.load_entry_points()
        loaded = len(manager.failures)  # load failures: `fireside tools list` reports those
        offers = manager.commands(reserved=builtin)
    except Exception:  # noqa: BLE001 - the built-in commands must work whatever happens
        log.warning("plugin commands could not be loaded", exc_info=True)
        return
    for offer in offers:
        _add(sub, offer, manager)
    for name, error in manager.failures[loaded:]:  # a command left out says why
        print(f"fireside: warning: plugin {name}: {error}", file=sys.stderr)


def _add(sub: argparse._SubParsersAction, offer: CommandOffer, manager: PluginManager) -> None:
    own = argparse.ArgumentParser(add_help=False)
    if offer.arguments is not None:
        try:
            offer.arguments(own)  # on a parser of its own first: a failure adds nothing
        except Exception as exc:  # noqa: BLE001
            error = f"command '{offer.name}': arguments failed: {type(exc).__name__}: {exc}"
            log.warning("plugin %s: %s", offer.plugin, error, exc_info=True)
            manager.failures.append((offer.plugin, error))
            return
    origin = f"(plugin: {offer.plugin})"
    parser = sub.add_parser(
        offer.name,
        help=f"{offer.help} {origin}" if offer.help else origin,
        description=offer.description or offer.help or None,
        parents=[own],
    )
    parser.set_defaults(func=_runner(offer))


def _runner(offer: CommandOffer):
    def run(args: argparse.Namespace) -> int:
        from fireside.assistant.app import build_app

        app = build_app()  # a damaged or busy database: one line from the CLI's boundary
        try:
            code = offer.handler(args, app)
        finally:
            app.close()
        return 0 if code is None else int(code)

    return run
