"""The web tools' failures, each one line a user (and a model) can act on."""

from __future__ import annotations

from fireside.plugins.tools import ToolError

UNREACHABLE = "the web is not reachable"


class WebError(ToolError):
    """A search or a page read that failed for a reason given in words."""


class WebUnreachable(WebError):
    """No network (or no route to the engine): said plainly, so the model does not guess."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(f"{UNREACHABLE} ({detail})" if detail else UNREACHABLE)


class RefusedUrl(WebError):
    """A URL that may not be read: another scheme, a blocked domain, a local address."""
