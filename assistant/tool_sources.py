"""What tools' results came from, as the turn's citations: the web pages a turn used.

A turn that searched the web or read a page cites them like documents: numbered sources with
a title and a URL. A search result and a page read from the same URL are one source (the
page's passage, with its saved text to show, replaces the snippet), in the order the model
first saw them.
"""

from __future__ import annotations

from collections.abc import Iterable

from fireside.assistant.events import Citation, ToolResult
from fireside.plugins.builtin.web.errors import UNREACHABLE
from fireside.plugins.tools import ToolSource

WEB_PLUGIN = "web"  # the built-in plugin whose tools are offered only where the web is on

__all__ = ["UNREACHABLE", "WEB_PLUGIN", "cited_sources", "unreachable"]


def cited_sources(sources: Iterable[ToolSource]) -> list[Citation]:
    by_url: dict[str, Citation] = {}
    for s in sources:
        key = s.url or s.file or s.title
        read = bool(s.file)
        citation = Citation(
            document=s.file or s.url,
            page=None,
            text=s.text,
            line_start=s.line_start if read else None,
            line_end=s.line_end if read else None,
            url=s.url or None,
            title=s.title or None,
        )
        known = by_url.get(key)
        if known is None or (read and known.line_start is None):
            by_url[key] = citation
    return list(by_url.values())


def unreachable(result: ToolResult) -> bool:
    """Whether a tool said there is no network (then the user is told so once, plainly)."""
    return result.is_error and result.output.startswith(UNREACHABLE)
