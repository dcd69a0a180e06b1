"""The ``fireside`` program: no arguments opens the window, anything else is the CLI.

The one place that knows both front ends, so neither imports the other: the command line
never imports Qt (``fireside chat`` works on a machine without a display), and nothing
imports the command line but this.
"""

from __future__ import annotations

import multiprocessing
import sys


def main(argv: list[str] | None = None) -> int:
    # A frozen (installer-built) app starts its model worker by running itself again.
    multiprocessing.freeze_support()
    argv = sys.argv[1:] if argv is None else argv
    if argv and not opens_model(argv):
        from fireside.cli.main import main as cli_main

        return cli_main(argv)
    try:
        from fireside.desktop.main import run
    except ImportError as exc:
        print(
            f"fireside: error: the desktop app cannot start ({exc}); the command line still "
            'works: try `fireside chat "hello"` or `fireside --help`',
            file=sys.stderr,
        )
        return 2
    return run(argv)


def opens_model(argv: list[str]) -> bool:
    """``fireside MODEL.gguf``: how the desktop's "open with" hands a model to the window."""
    return len(argv) == 1 and argv[0].lower().endswith(".gguf")


if __name__ == "__main__":
    sys.exit(main())
