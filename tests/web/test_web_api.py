"""``"fireside": {"web": true}`` in a chat request: the same turn with the web tools."""

from __future__ import annotations

import pytest
from fireside.api.errors import ApiError
from fireside.api.request_parsing import parse_chat
from fireside.models.generation import CancelToken
from fireside.models.sampling import SamplingParams

MESSAGES = [{"role": "user", "content": "search the web for Debian kernel"}]


def test_web_true_offers_the_web_tools_and_routes_to_them():
    opts = parse_chat({"messages": MESSAGES, "fireside": {"web": True}}, SamplingParams())
    turn = opts.turn("model.gguf", CancelToken(), allowed_tools=["web_search"])
    assert turn.tools.web is True and turn.tools.routing is True
    assert list(turn.tools.only) == ["web_search", "read_page"]
    assert list(turn.tools.always_allowed) == ["web_search"]  # only what the user allowed
    assert turn.tools.approve is None  # nobody at the screen: the rest is refused, with a hint


def test_without_web_the_api_offers_no_web_tools():
    opts = parse_chat({"messages": MESSAGES}, SamplingParams())
    assert opts.turn("model.gguf", CancelToken(), allowed_tools=[]).tools is None


def test_web_with_the_clients_own_tools_is_refused():
    tools = [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]
    with pytest.raises(ApiError, match="fireside.web"):
        parse_chat(
            {"messages": MESSAGES, "tools": tools, "fireside": {"web": True}}, SamplingParams()
        )
