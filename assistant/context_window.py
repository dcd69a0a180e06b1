"""Fit a conversation into the model's context by leaving out its oldest turns.

The system prompt is always kept, and so is the newest user message; whole older messages
are dropped oldest first. The caller reports how many were dropped, so the user is told.
"""

from __future__ import annotations

from collections.abc import Callable

from fireside.models.errors import ContextOverflowError


def fit_messages(
    messages: list[dict],
    count_tokens: Callable[[list[dict]], int],
    budget: int,
) -> tuple[list[dict], int, int]:
    """Return (messages that fit, number dropped, prompt tokens)."""
    system = [m for m in messages[:1] if m["role"] == "system"]
    rest = messages[len(system) :]
    dropped = 0
    while True:
        candidate = system + rest
        tokens = count_tokens(candidate)
        if tokens <= budget:
            return candidate, dropped, tokens
        if len(rest) <= 1:
            raise ContextOverflowError(
                None,
                f"the message is {tokens} tokens with the system prompt, more than the "
                f"{budget} the context leaves for a prompt; shorten it or raise the context "
                "size",
            )
        # Drop the oldest message; never leave an assistant message first.
        rest = rest[1:]
        dropped += 1
        while len(rest) > 1 and rest[0]["role"] != "user":
            rest = rest[1:]
            dropped += 1


def prompt_budget(n_ctx: int, max_tokens: int) -> int:
    """Tokens a prompt may take: the context less the room kept for the reply.

    The reply's room is capped at half the context, so a large ``max_tokens`` never leaves
    a prompt no room at all. Everything that sizes a prompt (the conversation, document
    excerpts) starts from this one figure.
    """
    return n_ctx - min(max_tokens, n_ctx // 2)
