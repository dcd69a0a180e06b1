"""A tool is a typed Python function a model may call; running one never raises.

Whatever a tool does (raise, hang, return odd types, get bad arguments) the caller gets a
``ToolOutcome``: chat must go on when a plugin misbehaves. A time limit holds for the caller:
the tool runs in a daemon thread that is abandoned when it overruns. Python cannot kill a
thread, so a tool must not hold the interpreter lock in one long C call (the calculator
refuses such work before starting it).
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fireside.plugins.schema import ToolArgumentError, function_schema, summary, validate_arguments

from fireside import errors
from fireside.errors import FiresideError

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 10.0
MAX_OUTPUT_CHARS = 4000
NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$")


class ToolError(errors.ToolError):
    """Raised by a tool for an expected failure; its message is shown as is (no class name)."""


@dataclass
class ToolSource:
    """A page or file a tool's result came from: the turn lists it as a numbered source.

    ``text`` is the passage the model was given; ``file`` a local copy the app can show,
    where ``line_start``..``line_end`` (1-based) is that passage.
    """

    title: str
    url: str = ""
    text: str = ""
    file: str = ""
    line_start: int | None = None
    line_end: int | None = None
    date: str | None = None


@dataclass
class Sourced:
    """What a tool returns when its result comes from somewhere the user may want to see:
    the text for the model, and the sources it was taken from."""

    text: str
    sources: list[ToolSource] = field(default_factory=list)


@dataclass
class ToolOutcome:
    output: str
    is_error: bool
    duration_s: float
    sources: list[ToolSource] = field(default_factory=list)
    # The tool declined with a ToolError (input it refuses, a failure it knows about), as
    # opposed to crashing or timing out: the command line exits 2 for it, as for bad input.
    refused: bool = False


@dataclass
class Tool:
    """One callable tool: what the model is told about it, and what may need approval."""

    name: str
    description: str
    parameters: dict
    func: Callable[..., Any] = field(repr=False)
    network: bool = False
    filesystem: bool = False
    timeout_s: float = DEFAULT_TIMEOUT_S
    plugin: str = ""
    origin: str = ""  # where the tool comes from: "plugin:NAME" (the default) or "mcp:SERVER"
    # check_call(arguments, user_text) -> a refusal, or None: asked before a call the *model*
    # proposed runs (e.g. a URL on this computer that the user never typed)
    check_call: Callable[[dict, str], str | None] | None = field(default=None, repr=False)

    @property
    def source(self) -> str:
        """``origin``, or ``plugin:NAME`` for a tool a plugin registered."""
        return self.origin or (f"plugin:{self.plugin}" if self.plugin else "")

    @classmethod
    def from_function(
        cls,
        func: Callable[..., Any],
        *,
        name: str | None = None,
        description: str | None = None,
        network: bool = False,
        filesystem: bool = False,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        plugin: str = "",
        check_call: Callable[[dict, str], str | None] | None = None,
    ) -> Tool:
        """Describe ``func`` from its signature and docstring; raise ``TypeError`` if it can't be."""
        tool_name = name or func.__name__
        if not NAME_RE.match(tool_name):
            raise TypeError(f"invalid tool name {tool_name!r} (letters, digits, _ and -)")
        text = description if description is not None else summary(func.__doc__)
        return cls(
            name=tool_name,
            description=text or tool_name,
            parameters=function_schema(func),
            func=func,
            network=network,
            filesystem=filesystem,
            timeout_s=float(timeout_s),
            plugin=plugin,
            check_call=check_call,
        )

    @property
    def needs_approval(self) -> bool:
        """Tools that reach outside the process must be approved by the user; so must every
        MCP tool, since a server may do anything."""
        return self.network or self.filesystem or self.source.startswith("mcp:")

    def to_dict(self) -> dict:
        return {
            "plugin": self.plugin,
            "origin": self.source,
            "name": self.name,
            "description": self.description,
            "parameters": self.parameters,
            "network": self.network,
            "filesystem": self.filesystem,
            "timeout_s": self.timeout_s,
        }


def format_output(value: Any) -> str:
    """Tool return values as text for the model, cut to ``MAX_OUTPUT_CHARS``."""
    if value is None:
        text = ""
    elif isinstance(value, str):
        text = value
    elif isinstance(value, dict | list | tuple):
        text = json.dumps(value, ensure_ascii=False, default=str)
    else:
        text = str(value)
    if len(text) > MAX_OUTPUT_CHARS:
        text = f"{text[:MAX_OUTPUT_CHARS]}... (cut; {len(text)} characters in all)"
    return text


def describe_error(exc: BaseException) -> str:
    if isinstance(exc, FiresideError):  # ToolError, NotFoundError... say it in words
        return str(exc) or "the tool failed"
    message = str(exc)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def run_tool(
    tool: Tool, arguments: Mapping[str, Any] | None, *, timeout_s: float | None = None
) -> ToolOutcome:
    """Validate ``arguments``, run the tool within its time limit, and report the outcome."""
    start = time.perf_counter()
    try:
        kwargs = validate_arguments(tool.parameters, arguments)
    except ToolArgumentError as exc:
        elapsed = time.perf_counter() - start
        return ToolOutcome(f"invalid arguments for {tool.name}: {exc}", True, elapsed, True)
    limit = tool.timeout_s if timeout_s is None else timeout_s
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["value"] = tool.func(**kwargs)
        except BaseException as exc:  # noqa: BLE001 - a tool must never take the caller down
            if not isinstance(exc, ToolError):
                log.warning("tool %s raised", tool.name, exc_info=True)
            box["error"] = exc

    thread = threading.Thread(target=work, name=f"tool-{tool.name}", daemon=True)
    thread.start()
    thread.join(limit)
    elapsed = time.perf_counter() - start
    if thread.is_alive():
        return ToolOutcome(f"{tool.name} timed out after {limit:g} s", True, elapsed)
    if "error" in box:
        refused = isinstance(box["error"], FiresideError)
        return ToolOutcome(describe_error(box["error"]), True, elapsed, refused=refused)
    value = box.get("value")
    if isinstance(value, Sourced):
        return ToolOutcome(format_output(value.text), False, elapsed, list(value.sources))
    return ToolOutcome(format_output(value), False, elapsed)
