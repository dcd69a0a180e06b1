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
    """Return (messages that fit, number dropped, prompt tokens).

    The kept part starts at the first message, at a user message, or at the last message;
    the earliest start that fits wins. Fewer messages never take more tokens, so the start
    is found by bisection: a few counts of the prompt, not one per message (a request with
    thousands of messages would otherwise tokenize them all thousands of times).
    """
    system = [m for m in messages[:1] if m["role"] == "system"]
    rest = messages[len(system) :]
    last = len(rest) - 1
    starts = [0] + [i for i in range(1, len(rest)) if rest[i]["role"] == "user" or i == last]
    counted: dict[int, int] = {}

    def tokens_from(start: int) -> int:
        if start not in counted:
            counted[start] = count_tokens(system + rest[start:])
        return counted[start]

    if tokens_from(0) <= budget:
        return system + rest, 0, counted[0]
    if len(starts) == 1 or tokens_from(starts[-1]) > budget:
        raise ContextOverflowError(
            None,
            f"the message is {tokens_from(starts[-1])} tokens with the system prompt, more "
            f"than the {budget} the context leaves for a prompt; shorten it or raise the "
            "context size",
        )
    lo, hi = 1, len(starts) - 1  # starts[hi] fits, starts[lo - 1] does not
    while lo < hi:
        mid = (lo + hi) // 2
        if tokens_from(starts[mid]) <= budget:
            hi = mid
        else:
            lo = mid + 1
    start = starts[lo]
    return system + rest[start:], start, tokens_from(start)


def prompt_budget(n_ctx: int, max_tokens: int) -> int:
    """Tokens a prompt may take: the context less the room kept for the reply.

    The reply's room is capped at half the context, so a large ``max_tokens`` never leaves
    a prompt no room at all. Everything that sizes a prompt (the conversation, document
    excerpts) starts from this one figure.
    """
    return n_ctx - min(max_tokens, n_ctx // 2)
