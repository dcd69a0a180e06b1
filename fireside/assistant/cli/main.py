"""The ``fireside`` command: subcommands for chat, history, models, tools and documents.

Plain ``fireside`` opens the desktop app (see ``fireside.desktop.launcher``). Each subcommand lives in its own module exposing
``register(subparsers)``; a handler returns the exit code. Errors that users can cause
(a bad file, a bad argument) are printed as one line, never as a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

SUBCOMMAND_MODULES = [
    "fireside.assistant.cli.chat_cmd",
    "fireside.assistant.cli.history_cmd",
    "fireside.assistant.cli.models_cmd",
    "fireside.assistant.cli.tools_cmd",
    "fireside.assistant.cli.docs_cmd",
    "fireside.assistant.cli.ask_cmd",
    "fireside.assistant.cli.serve_cmd",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fireside",
        description="Fireside: an offline chat assistant over local GGUF models. "
        "Run with no arguments to open the desktop app.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("\nfireside: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
