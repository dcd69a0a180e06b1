"""Functions the caller runs itself (the API's ``tools``): the model only proposes calls.

A program talking to the local API offers its own functions with ``tool_choice``. The turn
describes them to the model in the model's own call syntax (``tool_protocol``), reads the
calls back and hands them to the caller as ``ClientCall`` events; nothing runs here. When a
call is forced (``required`` or a named function) the reply is written under a grammar built
from the functions' schemas (``tool_grammar``), so that even a 135M model returns a call
that parses. The conversation arrives as OpenAI messages, with earlier calls and their
results; ``to_model_messages`` turns it into the role/content turns every template renders.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from fireside.assistant.chat_images import ImageInput
from fireside.assistant.events import ClientCall, TextDelta
from fireside.assistant.request_error import RequestError
from fireside.assistant.tool_grammar import call_grammar
from fireside.assistant.tool_loop import ToolLoopResult
from fireside.assistant.tool_protocol import (
    ProposedCall,
    ToolCallParseError,
    openai_tools,
    parse_tool_calls,
    result_message,
    with_tools_prompt,
)
from fireside.assistant.tool_stream import stream_step
from fireside.models.backend import ChatBackend
from fireside.models.generation import CancelToken, GenerationStats, TextChunk
from fireside.models.sampling import SamplingParams
from fireside.plugins.tools import Tool

TOOL_CHOICES = ("auto", "none", "required", "function")
_ROLES = ("system", "developer", "user", "assistant", "tool")
# OpenAI's rule for function names; a name is written into prompts and grammars
FUNCTION_NAME = re.compile(r"[a-zA-Z0-9_-]{1,64}")


def check_function_name(name, where: str) -> str:
    """``name`` when it is a valid function name, else ``RequestError`` naming ``tools``."""
    if not isinstance(name, str) or not FUNCTION_NAME.fullmatch(name):
        raise RequestError(
            f"{where}: a function name must be 1 to 64 letters, digits, '_' or '-'", "tools"
        )
    return name


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
class ClientFunctions:
    """What a request offers: its functions, ``tool_choice`` and ``parallel_tool_calls``."""

    functions: list[FunctionSpec] = field(default_factory=list)
    choice: str = "auto"  # one of TOOL_CHOICES
    name: str | None = None  # the function forced when choice == "function"
    parallel: bool = True

    def offered(self) -> list[FunctionSpec]:
        """The functions the model may call under ``choice`` (checked against the list)."""
        if self.choice == "none":
            return []
        if self.choice == "function":
            chosen = [f for f in self.functions if f.name == self.name]
            if not chosen:
                raise RequestError(
                    f"tool_choice names {self.name!r}, which is not in tools", "tool_choice"
                )
            return chosen
        if self.choice == "required" and not self.functions:
            raise RequestError("tool_choice 'required' needs tools", "tool_choice")
        return list(self.functions)

    @property
    def forced(self) -> bool:
        return self.choice in ("required", "function")


# -- messages ---------------------------------------------------------------------------------
def content_text(content, where: str, *, optional: bool = False) -> str:
    """OpenAI message content (a string or a list of text parts) as plain text; ``None``
    only where it is ``optional`` (an assistant message that only calls functions)."""
    if content is None:
        if not optional:
            raise RequestError(f"{where} is missing", where)
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for n, part in enumerate(content):
            kind = part.get("type") if isinstance(part, dict) else None
            if kind != "text" or not isinstance(part.get("text"), str):
                raise RequestError(
                    f"{where}[{n}]: content parts of type {kind!r} are not supported (text only)",
                    where,
                )
            parts.append(part["text"])
        return "".join(parts)
    raise RequestError(f"{where} must be a string or a list of text parts", where)


def user_content(content, where: str) -> tuple[str, list[ImageInput]]:
    """A user message's text and pictures: text parts, and ``image_url`` parts carrying a
    ``data:`` URL. A picture on the web is refused: nothing leaves the machine unasked."""
    if not isinstance(content, list):
        return content_text(content, where), []
    text, images = [], []
    for n, part in enumerate(content):
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text" and isinstance(part.get("text"), str):
            text.append(part["text"])
        elif kind == "image_url":
            images.append(
                _data_url_image(part.get("image_url"), f"{where}[{n}].image_url", where, n)
            )
        else:
            raise RequestError(
                f"{where}[{n}]: content parts of type {kind!r} are not supported "
                "(text and image_url only)",
                where,
            )
    return "".join(text), images


def _data_url_image(value, where: str, param: str, n: int) -> ImageInput:
    url = value.get("url") if isinstance(value, dict) else value
    if not isinstance(url, str) or not url:
        raise RequestError(f"{where}.url must be a string", param)
    scheme = url.split(":", 1)[0].lower()
    if scheme in ("http", "https"):
        raise RequestError(
            f"{where}.url: pictures on the web are not fetched (nothing leaves this computer "
            "unasked); send the picture itself as a data URL (data:image/png;base64,...)",
            param,
        )
    if scheme != "data":
        raise RequestError(f"{where}.url: only data: URLs are accepted", param)
    header, _, payload = url.partition(",")
    if not header.lower().endswith(";base64") or not payload:
        raise RequestError(
            f"{where}.url: a data URL must be base64 (data:image/png;base64,...)", param
        )
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise RequestError(f"{where}.url: the base64 data is not valid", param) from None
    mime = header[5:].split(";", 1)[0] or "image"
    return ImageInput(data, f"image {n + 1} ({mime})")


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
    calls = message.get("tool_calls") or []
    if not isinstance(calls, list):
        raise RequestError(f"{where}.tool_calls must be a list", where)
    for n, call in enumerate(calls):
        fn = call.get("function") if isinstance(call, dict) else None
        if not isinstance(fn, dict) or not isinstance(fn.get("name"), str):
            raise RequestError(f"{where}.tool_calls[{n}] has no function name", where)
        args = fn.get("arguments") or "{}"
        try:
            parsed = json.loads(args) if isinstance(args, str) else args
        except ValueError:
            raise RequestError(
                f"{where}.tool_calls[{n}].function.arguments is not valid JSON", where
            ) from None
        out.append((str(call.get("id") or ""), ProposedCall(fn["name"], parsed or {})))
    return out


@dataclass
class CallerConversation:
    """A conversation as the caller keeps it: its system text and its turns."""

    system: str | None  # the system and developer messages joined; None when there were none
    turns: list[dict]  # role/content messages, user and assistant alternating (a user
    # message's pictures under "images": ImageInput, prepared by the engine)
    question: str  # the last user message: what documents, routing and hooks look at


def to_model_messages(messages, fmt: str) -> CallerConversation:
    """OpenAI messages as the role/content turns every chat template can render.

    System and developer messages become the system text; tool results go back as the user
    turn the tool protocol uses, consecutive results joined into one message so user and
    assistant turns keep alternating.
    """
    if not isinstance(messages, list) or not messages:
        raise RequestError("messages must be a non-empty list", "messages")
    system: list[str] = []
    out: list[dict] = []
    names: dict[str, str] = {}  # tool_call_id -> function name
    question = None
    for i, message in enumerate(messages):
        where = f"messages[{i}]"
        if not isinstance(message, dict):
            raise RequestError(f"{where} must be an object", where)
        role = message.get("role")
        if role not in _ROLES:
            raise RequestError(f"{where}.role {role!r} is not supported", where)
        images: list[ImageInput] = []
        if role == "user":
            text, images = user_content(message.get("content"), f"{where}.content")
        else:
            text = content_text(
                message.get("content"), f"{where}.content", optional=role == "assistant"
            )
        if role in ("system", "developer"):
            system.append(text)
        elif role == "assistant":
            calls = _assistant_calls(message, where)
            names.update({cid: call.name for cid, call in calls if cid})
            if calls:
                text = "\n".join(p for p in (text, call_text(fmt, [c for _, c in calls])) if p)
            out.append({"role": "assistant", "content": text})
        elif role == "tool":
            name, call_id = message.get("name"), message.get("tool_call_id")
            if not isinstance(name, str) or not name:
                name = names.get(call_id, "tool") if isinstance(call_id, str) else "tool"
            result = result_message(fmt, name, text, False)
            if out and out[-1].get("_tool_results"):
                out[-1]["content"] += "\n\n" + result["content"]
            else:
                out.append({**result, "_tool_results": True})
        else:
            out.append({"role": "user", "content": text, **({"images": images} if images else {})})
            question = text
    for m in out:
        m.pop("_tool_results", None)
    if not out:
        raise RequestError("messages hold no user or assistant message", "messages")
    return CallerConversation("\n\n".join(system) if system else None, out, question or "")


# -- proposing calls --------------------------------------------------------------------------
def _known_calls(raw: str, names: set[str]) -> list[ProposedCall] | None:
    """The calls in ``raw`` when it is a well-formed call to offered functions, else None."""
    try:
        parsed = parse_tool_calls(raw)
    except ToolCallParseError:
        return None
    if parsed is None or not all(c.name in names for c in parsed[1]):
        return None
    return parsed[1]


def _collect(chunks, steps: list[GenerationStats]) -> str:
    text = []
    for item in chunks:
        if isinstance(item, TextChunk):
            text.append(item.text)
        elif isinstance(item, GenerationStats):
            steps.append(item)
    return "".join(text)


def propose_calls(
    backend: ChatBackend,
    messages: list[dict],
    offer: ClientFunctions,
    params: SamplingParams,
    cancel: CancelToken | None = None,
    grammar: str | None = None,
) -> Iterator[TextDelta | ClientCall | ToolLoopResult]:
    """A reply that is text or calls to the caller's functions; ends with a summary.

    Unforced, the reply streams unconstrained and is read as a call only when it is one; a
    reply that starts like a call but does not parse is written again under the grammar.
    ``grammar`` is the call grammar already built (and checked) for the offered functions;
    None builds it here.
    """
    tools = [f.as_tool() for f in offer.offered()]
    fmt = backend.description.tool_format
    prompt = with_tools_prompt(messages, tools, fmt)
    native = openai_tools(tools) if backend.description.native_tools else None
    names = {t.name for t in tools}
    steps: list[GenerationStats] = []
    result = ToolLoopResult(text="", steps=steps, messages=prompt)
    calls: list[ProposedCall] | None = None
    if not offer.forced:
        step = yield from stream_step(backend.stream(prompt, params, cancel, tools=native), True)
        result.text += step.shown
        steps += [step.stats] if step.stats else []
        finish = step.stats.finish_reason if step.stats else "stop"
        if not step.maybe_call or finish == "cancelled":
            if step.held:
                yield TextDelta(step.held)
                result.text += step.held
            yield _summary(result)
            return
        calls = _known_calls(step.raw, names)
        if calls is None and step.shown:  # text, then a broken call: keep the text
            yield _summary(result)
            return
    if calls is None:  # forced, or a call that did not parse: write it under the grammar
        call_params = replace(params, repeat_penalty=1.0)  # JSON repeats quotes and keys
        if grammar is None:
            grammar = call_grammar(tools, fmt)
        raw = _collect(backend.stream(prompt, call_params, cancel, grammar=grammar), steps)
        calls = _known_calls(raw, names)
        if calls is None:  # cut off by max_tokens or cancelled mid-call
            if raw and not offer.forced:
                yield TextDelta(raw)
                result.text += raw
            yield _summary(result)
            return
    if not offer.parallel:
        calls = calls[:1]
    suffix = secrets.token_hex(6)
    for n, call in enumerate(calls):
        yield ClientCall(f"call_{suffix}_{n}", call.name, dict(call.arguments))
    yield _summary(result, "tool_calls")


def _summary(result: ToolLoopResult, finish: str | None = None) -> ToolLoopResult:
    if result.steps:
        result.stats = result.steps[-1]
        result.finish_reason = result.stats.finish_reason
    if finish is not None:
        result.finish_reason = finish
    return result
