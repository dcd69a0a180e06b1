"""An example Fireside plugin: two small text tools.

Fireside loads this module through the ``fireside.plugins`` entry point declared in
``pyproject.toml`` and calls its ``register_tools`` hook. The hook marker is created from
pluggy directly, so the plugin does not depend on Fireside's internal module layout.
"""

from __future__ import annotations

from typing import Literal

import pluggy

hookimpl = pluggy.HookimplMarker("fireside")


def word_count(text: str, unit: Literal["words", "characters", "lines"] = "words") -> str:
    """Count the words, characters or lines in a piece of text.

    Args:
        text: The text to count.
        unit: What to count.
    """
    if unit == "characters":
        count = len(text)
    elif unit == "lines":
        count = len(text.splitlines())
    else:
        count = len(text.split())
    return f"{count} {unit}"


def reverse_text(text: str) -> str:
    """Reverse a piece of text character by character.

    Args:
        text: The text to reverse.
    """
    return text[::-1]


@hookimpl
def register_tools(register):
    # Neither tool touches the network or files, so neither needs the user's approval.
    register(word_count)
    register(reverse_text, timeout_s=2.0)
