"""The ``fireside`` program: no arguments opens the window, anything else is the CLI.

Lives in ``desktop`` because only this layer may know about the window; the command line
itself never imports Qt, so ``fireside chat`` works on a machine without a display.
"""

from __future__ import annotations

import multiprocessing
import sys


def main(argv: list[str] | None = None) -> int:
    # A frozen (installer-built) app starts its model worker by running itself again.
    multiprocessing.freeze_support()
    argv = sys.argv[1:] if argv is None else argv
    if argv:
        from fireside.assistant.cli.main import main as cli_main

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
    return run([])


if __name__ == "__main__":
    sys.exit(main())
