"""The web, when the user asks for it: ``web_search`` and ``read_page``.

Both tools use the network, so they are declared ``network=True`` and run only after the
user approves (or allowed them); the app offers them only in chats where the web is on
(off by default). ``read_page`` also refuses a URL on this computer or the local network
that the model proposed but the user never typed, and a page's text reaches the model
marked as text from the web.
"""

from __future__ import annotations

from typing import Annotated

from fireside.plugins.builtin.web.service import WebService
from fireside.plugins.hookspecs import hookimpl
from fireside.plugins.tools import Sourced, Tool

SEARCH, READ = "web_search", "read_page"


def make_web_tools(service: WebService) -> list[Tool]:
    """The two tools, bound to one service (its settings are read at each call)."""

    def web_search(query: Annotated[str, "What to search for on the web"]) -> Sourced:
        """Search the web: titles, URLs, snippets and dates of matching pages (needs the internet)."""
        return service.search_output(query)

    def read_page(
        url: Annotated[str, "The page's http or https URL"],
        focus: Annotated[str, "Optional: what to look for on a long page"] = "",
    ) -> Sourced:
        """Read a web page (or PDF): its main text, title, date and language (needs the internet)."""
        return service.read_output(url, focus)

    timeout = service.config.timeout_s + 10
    return [
        Tool.from_function(web_search, network=True, timeout_s=timeout),
        Tool.from_function(
            read_page, network=True, timeout_s=timeout, check_call=service.check_model_url
        ),
    ]


@hookimpl
def register_tools(register, context) -> None:
    for tool in make_web_tools(WebService(context)):
        register(tool)
