"""An example Fireside plugin: two text tools, a chat model and a command.

Fireside loads this module through the ``fireside.plugins`` entry point declared in
``pyproject.toml`` and calls its hooks. The hook marker is created from pluggy directly;
the chat model uses Fireside's plain data classes (``ModelDescription``, ``TextChunk``,
``GenerationStats``), the public face of its model layer.

- ``register_tools``: ``word_count`` and ``reverse_text``.
- ``register_backends``: ``example/echo``, a "model" that answers with your own message,
  word by word: deterministic, instant, and a template for a real backend.
- ``register_commands``: ``fireside example-words TEXT...`` counts words, in the text given
  or in a saved conversation (``--conversation ID``, read through the app's history).
"""

from __future__ import annotations

import re
import time
from typing import Literal

import pluggy
from fireside.models.backend import ModelDescription
from fireside.models.generation import GenerationStats, TextChunk

hookimpl = pluggy.HookimplMarker("fireside")


# -- tools -----------------------------------------------------------------------------------
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


# -- a chat model ----------------------------------------------------------------------------
WORD = re.compile(r"\s*\S+")  # a word with the white space before it: joined, the text again


class EchoBackend:
    """Answers with the last user message, one word per "token".

    A real backend keeps the same shape: describe the model, count tokens, and stream
    ``TextChunk``s that end with exactly one ``GenerationStats``; check ``cancel`` before
    every token and stop at ``params.max_tokens``.
    """

    def __init__(self, model_id: str) -> None:
        self.model_id = model_id  # a real backend would load its model here (off the UI thread)

    @property
    def description(self) -> ModelDescription:
        return ModelDescription(
            id=self.model_id,
            name="Echo (example plugin)",
            backend="example",
            n_ctx=4096,
            device="no model: echoes the message",
        )

    def count_text(self, text: str) -> int:
        return len(WORD.findall(text))

    def count_tokens(self, messages: list[dict]) -> int:
        return sum(self.count_text(str(m.get("content") or "")) for m in messages)

    def stream(self, messages, params=None, cancel=None, *, grammar=None, tools=None):
        last = next((m for m in reversed(messages) if m.get("role") == "user"), {})
        yield from self._reply(
            str(last.get("content") or ""), params, cancel, self.count_tokens(messages)
        )

    def complete(self, prompt, params=None, cancel=None, *, grammar=None):
        yield from self._reply(prompt, params, cancel, self.count_text(prompt))

    def _reply(self, text, params, cancel, prompt_tokens):
        max_tokens = params.max_tokens if params is not None else 512
        started = time.perf_counter()
        first, written, finish = 0.0, 0, "stop"
        for word in WORD.findall(text.strip()):
            if cancel is not None and cancel.cancelled:
                finish = "cancelled"
                break
            if written >= max_tokens:
                finish = "length"
                break
            yield TextChunk(word)
            written += 1
            first = first or time.perf_counter() - started
        yield GenerationStats(
            finish_reason=finish,
            prompt_tokens=prompt_tokens,
            prompt_eval_tokens=prompt_tokens,
            cached_tokens=0,
            completion_tokens=written,
            ttft_s=first,
            generate_s=time.perf_counter() - started,
        )

    def close(self) -> None:
        pass  # a real backend frees its model here


@hookimpl
def register_backends(register):
    # `fireside chat --model example/echo "hello"`; the factory runs on first use.
    register("example/echo", EchoBackend, description="Answers with your own message")


# -- a command -------------------------------------------------------------------------------
def words_arguments(parser) -> None:
    parser.add_argument("text", nargs="*", help="the text to count")
    parser.add_argument(
        "--conversation", "-c", type=int, metavar="ID", help="count a saved conversation's words"
    )


def words_command(args, app) -> int:
    """``fireside example-words``: the exit code is returned, errors are raised."""
    if args.conversation is not None:
        # an unknown id raises Fireside's NotFoundError: one line, exit code 2
        text = " ".join(m.content for m in app.history.thread(args.conversation))
    else:
        text = " ".join(args.text)
    print(word_count(text))
    return 0


@hookimpl
def register_commands(register):
    register(
        "example-words",
        words_command,
        help="count the words of a text or a saved conversation",
        arguments=words_arguments,
    )
