"""Subcommands take what they need from one ``App``, built once per command and closed after.

No command reads settings or opens a store by itself: ``@with_app`` builds the app (settings
read once; history opened; plugins, documents store and loaders on first use) and closes
everything it opened when the command returns.
"""

from __future__ import annotations

import functools
from collections.abc import Callable


def with_app(run: Callable[..., int]) -> Callable[..., int]:
    @functools.wraps(run)
    def wrapper(args) -> int:
        from fireside.assistant.app import build_app

        app = build_app()  # a damaged or busy database: one line from the CLI's boundary
        try:
            return run(app, args)
        finally:
            app.close()

    return wrapper
