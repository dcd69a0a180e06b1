"""The ``fireside`` command: subcommands for chat, history, models, tools and documents.

Plain ``fireside`` opens the desktop app (see ``fireside.launcher``). Each
subcommand lives in its own module exposing ``register(subparsers)``; a handler returns the
exit code; plugins add theirs through ``register_commands`` (``cli/plugin_commands.py``).
This is the command line's one error boundary: a ``FiresideError`` (a bad file, an unknown
id, a damaged or busy database, a model that failed) is printed as one line with exit code
2; anything else is a bug, logged with its traceback and reported as one line pointing at
the log, with exit code 1.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from fireside.assistant import settings_store
from fireside.assistant.logs import setup_logging
from fireside.assistant.settings import Paths
from fireside.cli import plugin_commands

from fireside import about
from fireside.errors import FiresideError

log = logging.getLogger(__name__)

SUBCOMMAND_MODULES = [
    "fireside.cli.chat_cmd",
    "fireside.cli.history_cmd",
    "fireside.cli.assistants_cmd",
    "fireside.cli.models_cmd",
    "fireside.cli.tools_cmd",
    "fireside.cli.docs_cmd",
    "fireside.cli.ask_cmd",
    "fireside.cli.mcp_cmd",
    "fireside.cli.serve_cmd",
    "fireside.cli.settings_cmd",
    "fireside.cli.web_cmd",
]


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The built-in commands, plus the plugins' unless ``argv`` names a built-in one."""
    parser = argparse.ArgumentParser(
        prog="fireside",
        description="Fireside: an offline chat assistant over local GGUF models. "
        "Run with no arguments to open the desktop app.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="also print the log on stderr")
    parser.add_argument(
        "--version",
        action="version",
        version=f"fireside {about.version()} ({about.licence()})",
        help="print the version and licence, and exit",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMAND_MODULES:
        importlib.import_module(name).register(sub)
    builtin = set(sub.choices)
    if plugin_commands.wanted(argv, builtin):
        plugin_commands.add_plugin_commands(sub, builtin)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    log_file = setup_logging(Paths.from_env().log_dir, verbose=args.verbose)
    if not args.verbose:  # verbose already prints every log line on stderr
        show_settings_warnings()
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("\nfireside: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except FiresideError as exc:
        log.info("%s failed: %s", args.command, exc)
        print(f"fireside: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - the boundary: a bug must not print a traceback
        log.exception("unexpected error in 'fireside %s'", args.command)
        print(
            f"fireside: error: unexpected {type(exc).__name__}: {exc} (details in {log_file})",
            file=sys.stderr,
        )
        return 1


class _WarningLine(logging.Handler):
    """A settings file problem, as one ``fireside: warning:`` line on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        print(f"fireside: warning: {record.getMessage()}", file=sys.stderr)


def show_settings_warnings() -> None:
    """Problems found in settings.json are logged by the store; a command also prints them."""
    logger = logging.getLogger(settings_store.__name__)
    for handler in [h for h in logger.handlers if isinstance(h, _WarningLine)]:
        logger.removeHandler(handler)
    logger.addHandler(_WarningLine(logging.WARNING))


if __name__ == "__main__":
    sys.exit(main())
