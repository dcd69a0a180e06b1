"""One stateless completion as a program asks for it: messages in, events out, nothing saved.

The local API server is a front end over this module, like the CLI and the window are over
the chat engine. A request carries its whole conversation (system, user, assistant and tool
messages), sampling, the client's function tools with ``tool_choice``, and an optional
``response_format``. The client runs its own tools: this module only describes them to the
model in the model's own call syntax (``tool_protocol``), reads the calls back, and, when a
call is forced (``required`` or a named function) or JSON is asked for, constrains the
reply with a grammar (``tool_grammar``, llama.cpp's JSON-schema converter) so that even a
135M model returns something that parses.

The stream is ``TextDelta``s and/or ``ToolCall``s, then exactly one ``CompletionDone``.
``run_with_fireside_tools`` is the other way: Fireside's own tools (``fireside.tools`` in a
request), run here by the tool loop, reported as ``ToolRun``s. Errors raise: ``CompletionRequestError``
for a request the model cannot serve as asked, ``ModelError`` for a model failure.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field, replace

from fireside.assistant.events import TextDelta, ToolCall, ToolResult, Usage
from fireside.assistant.tool_grammar import call_grammar
from fireside.assistant.tool_loop import ToolLoopResult, backend_generate, run_tool_loop
from fireside.assistant.tool_protocol import (
    ProposedCall,
    ToolCallParseError,
    parse_tool_calls,
    result_message,
    with_tools_prompt,
)
from fireside.assistant.tool_stream import stream_step
from fireside.models.backend import ChatBackend
from fireside.models.generation import CancelToken, GenerationStats, TextChunk
from fireside.models.sampling import SamplingParams
from fireside.plugins.registry import ToolRegistry
from fireside.plugins.tools import Tool

from fireside.errors import FiresideError

TOOL_CHOICES = ("auto", "none", "required", "function")
_ROLES = ("system", "developer", "user", "assistant", "tool")


class CompletionRequestError(FiresideError):
    """The request cannot be served as asked; ``param`` names the offending field."""

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param


@dataclass
class FunctionSpec:
    """A function the client offers; the client runs it, the model only proposes calls."""

    name: str
    description: str = ""
    parameters: dict = field(default_factory=lambda: {"type": "object", "properties": {}})

    def as_tool(self) -> Tool:
        def not_here(**_):  # the client runs its own functions
            raise RuntimeError(f"{self.name} runs in the client")

        return Tool(self.name, self.description or self.name, self.parameters, not_here)


@dataclass
class CompletionRequest:
    messages: list[dict]
    params: SamplingParams = field(default_factory=SamplingParams)
    tools: list[FunctionSpec] = field(default_factory=list)
    tool_choice: str = "auto"  # one of TOOL_CHOICES
    tool_name: str | None = None  # the function forced when tool_choice == "function"
    parallel_tool_calls: bool = True
    response_format: dict | None = None  # OpenAI's {"type": "json_object" | "json_schema"}
    context: str | None = None  # quoted document excerpts for the system message


@dataclass
class CompletionDone:
    finish_reason: str  # "stop", "length", "tool_calls", "cancelled"
    usage: Usage


# -- messages ---------------------------------------------------------------------------------
def content_text(content, where: str) -> str:
    """OpenAI message content (a string or a list of text parts) as plain text."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for n, part in enumerate(content):
            kind = part.get("type") if isinstance(part, dict) else None
            if kind != "text" or not isinstance(part.get("text"), str):
                raise CompletionRequestError(
                    f"{where}[{n}]: content parts of type {kind!r} are not supported (text only)",
                    where,
                )
            parts.append(part["text"])
        return "".join(parts)
    raise CompletionRequestError(f"{where} must be a string or a list of text parts", where)


def call_text(fmt: str, calls: list[ProposedCall]) -> str:
    """Calls written the way the model itself would write them (for earlier turns)."""
    if fmt == "hermes":
        return "\n".join(
            f"<tool_call>\n{json.dumps({'name': c.name, 'arguments': c.arguments})}\n</tool_call>"
            for c in calls
        )
    if fmt == "mistral":
        body = [{"name": c.name, "arguments": c.arguments} for c in calls]
        return f"[TOOL_CALLS] {json.dumps(body)}"
    if fmt == "llama3":
        return "; ".join(json.dumps({"name": c.name, "parameters": c.arguments}) for c in calls)
    return "\n".join(json.dumps({"tool": c.name, "arguments": c.arguments}) for c in calls)


def _assistant_calls(message: dict, where: str) -> list[tuple[str, ProposedCall]]:
    out = []
    for n, call in enumerate(message.get("tool_calls") or []):
        fn = call.get("function") if isinstance(call, dict) else None
        if not isinstance(fn, dict) or not isinstance(fn.get("name"), str):
            raise CompletionRequestError(f"{where}.tool_calls[{n}] has no function name", where)
        args = fn.get("arguments") or "{}"
        try:
            parsed = json.loads(args) if isinstance(args, str) else args
        except ValueError:
            raise CompletionRequestError(
                f"{where}.tool_calls[{n}].function.arguments is not valid JSON", where
            ) from None
        out.append((str(call.get("id") or ""), ProposedCall(fn["name"], parsed or {})))
    return out


def to_model_messages(messages: list[dict], fmt: str) -> list[dict]:
    """OpenAI messages as the role/content messages every chat template can render.

    System and developer messages become one leading system message; tool results go back
    as the user turn the tool protocol uses, consecutive results joined into one message so
    user and assistant turns keep alternating.
    """
    if not isinstance(messages, list) or not messages:
        raise CompletionRequestError("messages must be a non-empty list", "messages")
    system: list[str] = []
    out: list[dict] = []
    names: dict[str, str] = {}  # tool_call_id -> function name
    for i, message in enumerate(messages):
        where = f"messages[{i}]"
        if not isinstance(message, dict):
            raise CompletionRequestError(f"{where} must be an object", where)
        role = message.get("role")
        if role not in _ROLES:
            raise CompletionRequestError(f"{where}.role {role!r} is not supported", where)
        text = content_text(message.get("content"), f"{where}.content")
        if role in ("system", "developer"):
            system.append(text)
            continue
        if role == "assistant":
            calls = _assistant_calls(message, where)
            names.update({cid: call.name for cid, call in calls if cid})
            if calls:
                text = "\n".join(p for p in (text, call_text(fmt, [c for _, c in calls])) if p)
            out.append({"role": "assistant", "content": text})
            continue
        if role == "tool":
            name = message.get("name") or names.get(message.get("tool_call_id") or "", "tool")
            result = result_message(fmt, name, text, False)
            if out and out[-1].get("_tool_results"):
                out[-1]["content"] += "\n\n" + result["content"]
            else:
                out.append({**result, "_tool_results": True})
            continue
        out.append({"role": "user", "content": text})
    for m in out:
        m.pop("_tool_results", None)
    if system:
        out.insert(0, {"role": "system", "content": "\n\n".join(system)})
    return out


def _with_system(messages: list[dict], extra: str) -> list[dict]:
    out = [dict(m) for m in messages]
    if out and out[0]["role"] == "system":
        out[0]["content"] = f"{out[0]['content']}\n\n{extra}".strip()
    else:
        out.insert(0, {"role": "system", "content": extra})
    return out


# -- grammars -------------------------------------------------------------------------------
def json_grammar(response_format: dict | None) -> tuple[str | None, str | None]:
    """``(GBNF, instruction for the system message)`` for a ``response_format``."""
    if not response_format:
        return None, None
    kind = response_format.get("type") if isinstance(response_format, dict) else None
    if kind == "text":
        return None, None
    from llama_cpp.llama_grammar import json_schema_to_gbnf

    if kind == "json_object":
        schema, hint = {"type": "object"}, "Reply with only a JSON object."
    elif kind == "json_schema":
        spec = response_format.get("json_schema")
        schema = spec.get("schema") if isinstance(spec, dict) else None
        if not isinstance(schema, dict):
            raise CompletionRequestError(
                "response_format.json_schema.schema must be a JSON schema object",
                "response_format",
            )
        hint = "Reply with only a JSON object that follows this JSON schema: " + json.dumps(
            schema, separators=(",", ":")
        )
    else:
        raise CompletionRequestError(
            f"response_format type {kind!r} is not supported (text, json_object, json_schema)",
            "response_format",
        )
    try:
        grammar = json_schema_to_gbnf(json.dumps(schema))
        _check_grammar(grammar)
    except CompletionRequestError:
        raise
    except Exception as exc:  # noqa: BLE001 - the converter raises many kinds
        raise CompletionRequestError(
            f"response_format: this JSON schema cannot be enforced ({exc})", "response_format"
        ) from None
    return grammar, hint


def _check_grammar(text: str) -> None:
    from llama_cpp import LlamaGrammar

    try:
        LlamaGrammar.from_string(text, verbose=False)
    except ValueError as exc:
        raise CompletionRequestError(f"the grammar does not compile ({exc})") from None


# -- generation -----------------------------------------------------------------------------
class _Steps:
    """Usage over the one or two generation steps of a reply."""

    def __init__(self) -> None:
        self.prompt_tokens = self.completion_tokens = self.cached = self.evaluated = 0
        self.finish = "stop"

    def add(self, stats: GenerationStats | None) -> None:
        if stats is None:
            return
        self.prompt_tokens = stats.prompt_tokens
        self.completion_tokens += stats.completion_tokens
        self.cached = stats.cached_tokens
        self.evaluated += stats.prompt_eval_tokens
        self.finish = stats.finish_reason

    def done(self, finish: str | None = None) -> CompletionDone:
        usage = Usage(self.prompt_tokens, self.completion_tokens, self.evaluated, self.cached)
        return CompletionDone(finish or self.finish, usage)


def _collect(chunks, steps: _Steps) -> str:
    text = []
    for item in chunks:
        if isinstance(item, TextChunk):
            text.append(item.text)
        elif isinstance(item, GenerationStats):
            steps.add(item)
    return "".join(text)


def _known_calls(raw: str, names: set[str]) -> list[ProposedCall] | None:
    """The calls in ``raw`` when it is a well-formed call to offered functions, else None."""
    try:
        parsed = parse_tool_calls(raw)
    except ToolCallParseError:
        return None
    if parsed is None or not all(c.name in names for c in parsed[1]):
        return None
    return parsed[1]


def run_completion(
    backend: ChatBackend, request: CompletionRequest, cancel: CancelToken | None = None
) -> Iterator[TextDelta | ToolCall | CompletionDone]:
    """Stream one reply to ``request`` from ``backend``."""
    fmt = backend.description.tool_format
    messages = to_model_messages(request.messages, fmt)
    if request.context:
        messages = _with_system(messages, request.context)
    offered = [] if request.tool_choice == "none" else list(request.tools)
    if request.tool_choice == "function":
        offered = [t for t in request.tools if t.name == request.tool_name]
        if not offered:
            raise CompletionRequestError(
                f"tool_choice names {request.tool_name!r}, which is not in tools", "tool_choice"
            )
    if request.tool_choice == "required" and not offered:
        raise CompletionRequestError("tool_choice 'required' needs tools", "tool_choice")
    grammar, hint = json_grammar(request.response_format)
    if grammar and offered and request.tool_choice == "auto":
        raise CompletionRequestError(
            "response_format with tools needs tool_choice 'none' or 'required' (a reply is "
            "either a call or JSON)",
            "response_format",
        )
    if hint and not offered:
        messages = _with_system(messages, hint)
    steps = _Steps()
    if not offered:
        yield from _text_reply(backend, messages, request.params, cancel, grammar, steps)
        return
    tools = [t.as_tool() for t in offered]
    messages = with_tools_prompt(messages, tools, fmt)
    call_params = replace(request.params, repeat_penalty=1.0)  # JSON repeats quotes and keys
    forced = request.tool_choice in ("required", "function")
    calls: list[ProposedCall] | None = None
    if not forced:
        step = yield from stream_step(backend.stream(messages, request.params, cancel), True)
        steps.add(step.stats)
        if not step.maybe_call or steps.finish == "cancelled":
            if step.held:
                yield TextDelta(step.held)
            yield steps.done()
            return
        calls = _known_calls(step.raw, {t.name for t in tools})
        if calls is None and step.shown:  # text, then a broken call: keep the text
            yield steps.done()
            return
    if calls is None:  # forced, or a call that did not parse: write it under the grammar
        raw = _collect(
            backend.stream(messages, call_params, cancel, grammar=call_grammar(tools, fmt)),
            steps,
        )
        calls = _known_calls(raw, {t.name for t in tools})
        if calls is None:  # cut off by max_tokens or cancelled mid-call
            if raw and not forced:
                yield TextDelta(raw)
            yield steps.done()
            return
    if not request.parallel_tool_calls:
        calls = calls[:1]
    for n, call in enumerate(calls):
        yield ToolCall(f"call_{_call_suffix()}_{n}", call.name, dict(call.arguments))
    yield steps.done("tool_calls")


def _call_suffix() -> str:
    import secrets

    return secrets.token_hex(6)


def _text_reply(backend, messages, params, cancel, grammar, steps: _Steps):
    yield from _deltas(backend.stream(messages, params, cancel, grammar=grammar), steps)


def _deltas(items, steps: _Steps) -> Iterator[TextDelta | CompletionDone]:
    """A backend's chunks as text deltas, its statistics into ``steps``, then the ending."""
    for item in items:
        if isinstance(item, TextChunk):
            if item.text:
                yield TextDelta(item.text)
        elif isinstance(item, GenerationStats):
            steps.add(item)
    yield steps.done()


def run_text_completion(
    backend: ChatBackend,
    prompt: str,
    params: SamplingParams,
    cancel: CancelToken | None = None,
) -> Iterator[TextDelta | CompletionDone]:
    """Plain continuation of ``prompt`` (``/v1/completions``): no chat template."""
    yield from _deltas(backend.complete(prompt, params, cancel), _Steps())


@dataclass
class ToolRun:
    """A Fireside tool the server ran itself during the reply (``fireside.tools``)."""

    name: str
    arguments: dict
    output: str
    is_error: bool
    duration_s: float = 0.0


def run_with_fireside_tools(
    backend: ChatBackend,
    request: CompletionRequest,
    registry: ToolRegistry,
    allowed: Collection[str],
    cancel: CancelToken | None = None,
) -> Iterator[TextDelta | ToolRun | CompletionDone]:
    """A reply that may call Fireside's own tools (calculator, plugins), run here.

    Tools that reach the network or the file system run only when the user allowed them for
    API requests (``allowed``); otherwise the model is told the call was refused. Nobody can
    be asked: an API request has no one at the screen.
    """
    fmt = backend.description.tool_format
    messages = to_model_messages(request.messages, fmt)
    if request.context:
        messages = _with_system(messages, request.context)
    steps = _Steps()
    refused = {t.name for t in registry if t.needs_approval and t.name not in allowed}
    pending: dict[str, ToolCall] = {}
    for event in run_tool_loop(
        backend_generate(backend, request.params, cancel),
        messages,
        registry,
        approve=lambda tool, args: tool.name not in refused,
        cancel=cancel,
        tool_format=fmt,
    ):
        if isinstance(event, TextDelta):
            yield event
        elif isinstance(event, ToolCall):
            pending[event.call_id] = event
        elif isinstance(event, ToolResult):
            call = pending.pop(event.call_id)
            output = event.output
            if event.name in refused:
                output = (
                    f"{event.name} reaches outside this computer and is not allowed for API "
                    "requests (allow it in Tools > Local API server, or fireside serve "
                    "--allow-tool)"
                )
            yield ToolRun(event.name, call.arguments, output, event.is_error, event.duration_s)
        elif isinstance(event, ToolLoopResult):
            for stats in event.steps:
                steps.add(stats)
            yield steps.done("cancelled" if event.finish_reason == "cancelled" else None)
