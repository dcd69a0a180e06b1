"""OpenAI request bodies -> core requests, refusing what is not supported by name.

A parameter this server does not implement answers 400 naming it, never silently ignored
(a client that asks for ``logprobs`` or ``n=3`` must learn it did not get them). ``null``
values count as absent, as in OpenAI's API. Sampling starts from the model's saved settings
in the app and is overridden by what the request gives.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

from fireside.api.errors import bad_request, unsupported
from fireside.assistant.client_functions import ClientFunctions, FunctionSpec, check_function_name
from fireside.assistant.request_error import RequestError
from fireside.assistant.schema_limits import MAX_ALTERNATIVES
from fireside.assistant.turn_request import ToolPolicy, TurnRequest
from fireside.models.generation import CancelToken
from fireside.models.sampling import SamplingParams

_SAMPLING = {
    "temperature": (0.0, 2.0),
    "top_p": (0.0, 1.0),
    "presence_penalty": (-2.0, 2.0),
    "frequency_penalty": (-2.0, 2.0),
    "min_p": (0.0, 1.0),
    "repeat_penalty": (0.0, 10.0),
}
_COMMON = {
    "model",
    "stream",
    "stream_options",
    "max_tokens",
    "stop",
    "seed",
    "user",
    "n",
    "top_k",
    *_SAMPLING,
}
CHAT_PARAMS = _COMMON | {
    "messages",
    "max_completion_tokens",
    "tools",
    "tool_choice",
    "response_format",
    "parallel_tool_calls",
    "logprobs",
    "fireside",
}
COMPLETION_PARAMS = _COMMON | {"prompt", "echo", "logprobs"}
MAX_STOP = 4
MAX_STOP_CHARS = 1_000  # a stop string is held back while a reply might be starting it
MAX_TOP_K = 1_000_000  # above any vocabulary; llama.cpp takes a C int
MAX_JSON_DEPTH = 100  # nested arrays and objects in a body
MAX_NAMES = 64  # collections or Fireside tools named in one request
EXTENSION = ("collections", "tools", "save", "assistant", "web")
WEB_TOOLS = ["web_search", "read_page"]
# said with a refused call: how the user lets API requests run a network or file tool
REFUSAL_HINT = (
    "network and file tools are not allowed for API requests unless allowed in Tools > "
    "Local API server, or with fireside serve --allow-tool"
)


@dataclass
class ChatOptions:
    model: str | None
    stream: bool
    include_usage: bool
    messages: list
    params: SamplingParams
    functions: ClientFunctions | None = None
    response_format: dict | None = None
    collections: list[str] = field(default_factory=list)
    fireside_tools: list[str] = field(default_factory=list)
    save: bool = False
    assistant: str | None = None  # an assistant's settings for this turn (fireside.assistant)
    web: bool = False  # ``fireside.web``: the web tools (approved for the API, or refused)

    def turn(self, model_path: str, cancel: CancelToken, allowed_tools) -> TurnRequest:
        """The request as a chat turn: the same turn the window makes, with the caller's
        conversation, not written to the history unless ``fireside.save`` asked for it.
        Fireside's own tools (and routing to them) only when the request names them."""
        tools = None
        if self.fireside_tools or self.web:
            web_tools = [t for t in WEB_TOOLS if t not in self.fireside_tools] if self.web else []
            tools = ToolPolicy(
                offer=True,
                always_allowed=list(allowed_tools),
                routing=True,
                only=[*self.fireside_tools, *web_tools],
                refusal_hint=REFUSAL_HINT,
                web=True if self.web else None,
            )
        return TurnRequest(
            messages=self.messages,
            save=self.save,
            assistant=self.assistant,
            model=model_path,
            params=self.params,
            collections=self.collections or None,
            functions=self.functions,
            response_format=self.response_format,
            tools=tools,
            cancel=cancel,
        )


@dataclass
class TextOptions:
    model: str | None
    stream: bool
    include_usage: bool
    prompt: str
    params: SamplingParams


async def read_json(request) -> dict:
    """The request body as a JSON object (400 otherwise)."""
    return parse_body(await request.body())


def parse_body(raw: bytes) -> dict:
    """``raw`` as a JSON object whose every string is text (400 otherwise).

    Deep nesting is refused here, once, so nothing after it recurses into a body without
    end; a lone surrogate (``"\\ud800"``, valid JSON but not text) is refused naming the
    field, since it cannot be encoded for the model, the log or a database.
    """
    try:
        body = json.loads(raw or b"null")
    except RecursionError:
        raise bad_request(f"the request body is nested more than {MAX_JSON_DEPTH} deep") from None
    except ValueError:
        raise bad_request("the request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise bad_request("the request body must be a JSON object")
    _check_values(body)
    return body


def _check_values(body: dict) -> None:
    stack = [(value, key, 1) for key, value in body.items()]
    for key in body:
        _check_text(key, None)
    while stack:
        value, param, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise bad_request(f"'{param}' is nested more than {MAX_JSON_DEPTH} deep", param)
        if isinstance(value, str):
            _check_text(value, param)
        elif isinstance(value, dict):
            for key, item in value.items():
                _check_text(key, param)
                stack.append((item, param, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, param, depth + 1) for item in value)


def _check_text(text: str, param: str | None) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        where = f"'{param}'" if param else "the request body"
        raise bad_request(
            f"{where} holds a lone surrogate (\\ud800-\\udfff), which is not text", param
        ) from None


def check_known(body, allowed: set[str]) -> dict:
    if not isinstance(body, dict):
        raise bad_request("the request body must be a JSON object")
    for key, value in body.items():
        if key not in allowed and value is not None:
            raise unsupported(key)
    return {k: v for k, v in body.items() if v is not None}


def _number(body: dict, name: str, lo: float, hi: float) -> float | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
        raise bad_request(f"'{name}' must be a number from {lo:g} to {hi:g}", name)
    return float(value)


def _integer(body: dict, name: str, lo: int, hi: int | None = None) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or value < lo
        or (hi is not None and value > hi)
    ):
        upto = f" and at most {hi}" if hi is not None else ""
        raise bad_request(f"'{name}' must be an integer of at least {lo}{upto}", name)
    return value


def _flag(body: dict, name: str, default: bool) -> bool:
    value = body.get(name, default)
    if not isinstance(value, bool):
        raise bad_request(f"'{name}' must be true or false", name)
    return value


def _stream_options(body: dict, stream: bool) -> bool:
    opts = body.get("stream_options")
    if opts is None:
        return False
    if not stream:
        raise bad_request("'stream_options' is only allowed with 'stream': true", "stream_options")
    if not isinstance(opts, dict):
        raise bad_request("'stream_options' must be an object", "stream_options")
    for key, value in opts.items():
        if key != "include_usage" and value is not None:
            raise unsupported(f"stream_options.{key}")
    include = opts.get("include_usage", False)
    if not isinstance(include, bool):
        raise bad_request("'stream_options.include_usage' must be true or false", "stream_options")
    return include


def sampling(body: dict, base: SamplingParams, max_name: str = "max_tokens") -> SamplingParams:
    changes: dict = {}
    for name, (lo, hi) in _SAMPLING.items():
        value = _number(body, name, lo, hi)
        if value is not None:
            changes[name] = value
    if "presence_penalty" in changes or "frequency_penalty" in changes:
        changes.setdefault("repeat_penalty", 1.0)  # OpenAI's penalties replace llama.cpp's
    for name in (max_name, "max_tokens"):
        value = _integer(body, name, 1)
        if value is not None:
            changes["max_tokens"] = value
            break
    top_k = _integer(body, "top_k", 0, MAX_TOP_K)
    if top_k is not None:
        changes["top_k"] = top_k
    seed = body.get("seed")
    if seed is not None:
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise bad_request("'seed' must be an integer", "seed")
        changes["seed"] = seed % 2**31
    stop = body.get("stop")
    if stop is not None:
        stops = [stop] if isinstance(stop, str) else stop
        if not isinstance(stops, list) or not all(isinstance(s, str) and s for s in stops):
            raise bad_request("'stop' must be a string or a list of strings", "stop")
        if len(stops) > MAX_STOP:
            raise bad_request(f"'stop' takes at most {MAX_STOP} strings", "stop")
        if any(len(s) > MAX_STOP_CHARS for s in stops):
            raise bad_request(f"a 'stop' string is longer than {MAX_STOP_CHARS} characters", "stop")
        changes["stop"] = list(stops)
    n = body.get("n")
    if n is not None and (isinstance(n, bool) or n != 1):
        raise bad_request("only 'n': 1 is supported (one reply per request)", "n")
    if body.get("logprobs") not in (None, False):
        raise unsupported("logprobs")
    return replace(base, **changes)


def _tools(body: dict) -> list[FunctionSpec]:
    tools = body.get("tools") or []
    if not isinstance(tools, list):
        raise bad_request("'tools' must be a list", "tools")
    if len(tools) > MAX_ALTERNATIVES:
        raise bad_request(f"'tools' takes at most {MAX_ALTERNATIVES} functions", "tools")
    out = []
    for n, tool in enumerate(tools):
        where = f"tools[{n}]"
        if not isinstance(tool, dict) or tool.get("type") != "function":
            raise bad_request(f"{where}: only tools of type 'function' are supported", "tools")
        fn = tool.get("function")
        if not isinstance(fn, dict) or fn.get("name") in (None, ""):
            raise bad_request(f"{where}.function.name is missing", "tools")
        try:
            name = check_function_name(fn["name"], f"{where}.function.name")
        except RequestError as exc:
            raise bad_request(str(exc), "tools") from None
        description = fn.get("description") or ""
        if not isinstance(description, str):
            raise bad_request(f"{where}.function.description must be a string", "tools")
        params = fn.get("parameters") or {"type": "object", "properties": {}}
        if not isinstance(params, dict):
            raise bad_request(f"{where}.function.parameters must be a JSON schema", "tools")
        out.append(FunctionSpec(name, description, params))
    names = [t.name for t in out]
    if len(set(names)) != len(names):
        raise bad_request("two tools have the same name", "tools")
    return out


def _tool_choice(body: dict, tools: list[FunctionSpec]) -> tuple[str, str | None]:
    choice = body.get("tool_choice", "auto" if tools else "none")
    if isinstance(choice, str):
        if choice not in ("auto", "none", "required"):
            raise bad_request(
                f"tool_choice {choice!r} is not one of auto, none, required", "tool_choice"
            )
        if choice != "none" and not tools:
            raise bad_request(f"tool_choice {choice!r} needs 'tools'", "tool_choice")
        return choice, None
    if isinstance(choice, dict) and choice.get("type") == "function":
        fn = choice.get("function")
        name = fn.get("name") if isinstance(fn, dict) else None
        if not isinstance(name, str):
            raise bad_request(
                "tool_choice must name its function: {'type': 'function', 'function': "
                "{'name': ...}}",
                "tool_choice",
            )
        if name not in {t.name for t in tools}:
            raise bad_request(f"tool_choice names {name!r}, which is not in 'tools'", "tool_choice")
        return "function", name
    raise bad_request("tool_choice must be auto, none, required or a named function", "tool_choice")


def _extension(body: dict) -> tuple[list[str], list[str], bool, bool]:
    """``(collections, tools, save, web)`` from Fireside's own ``fireside`` object."""
    ext = body.get("fireside")
    if ext is None:
        return [], [], False, False
    if not isinstance(ext, dict):
        raise bad_request("'fireside' must be an object", "fireside")
    for key, value in ext.items():
        if key not in EXTENSION and value is not None:
            raise unsupported(f"fireside.{key}")
    save = _flag(ext, "save", False)
    web = _flag(ext, "web", False)
    out = []
    for key in ("collections", "tools"):
        names = ext.get(key) or []
        if isinstance(names, str):
            names = [names]
        if not isinstance(names, list) or not all(isinstance(c, str) and c for c in names):
            raise bad_request(f"'fireside.{key}' must be a list of names", f"fireside.{key}")
        if len(names) > MAX_NAMES:
            raise bad_request(f"'fireside.{key}' names more than {MAX_NAMES}", f"fireside.{key}")
        out.append(names)
    if (out[1] or web) and body.get("tools"):
        key = "fireside.tools" if out[1] else "fireside.web"
        raise bad_request(
            f"'{key}' (run by Fireside) cannot be combined with 'tools' (run by the "
            "client) in one request",
            key,
        )
    return out[0], out[1], save, web


def parse_chat(body, base: SamplingParams) -> ChatOptions:
    body = check_known(body, CHAT_PARAMS)
    if "messages" not in body:
        raise bad_request("'messages' is required", "messages")
    if not isinstance(body["messages"], list) or not body["messages"]:
        raise bad_request("'messages' must be a non-empty list of messages", "messages")
    stream = _flag(body, "stream", False)
    tools = _tools(body)
    choice, name = _tool_choice(body, tools)
    response_format = body.get("response_format")
    if response_format is not None and not isinstance(response_format, dict):
        raise bad_request("'response_format' must be an object", "response_format")
    functions = None
    if tools or choice != "none":
        parallel = _flag(body, "parallel_tool_calls", True)
        functions = ClientFunctions(tools, choice, name, parallel)
    collections, fireside_tools, save, web = _extension(body)
    return ChatOptions(
        model=_model(body),
        stream=stream,
        include_usage=_stream_options(body, stream),
        messages=body["messages"],
        params=sampling(body, base, "max_completion_tokens"),
        functions=functions,
        response_format=response_format,
        collections=collections,
        fireside_tools=fireside_tools,
        save=save,
        assistant=_assistant(body),
        web=web,
    )


def _assistant(body: dict) -> str | None:
    """``fireside.assistant``: the name of an assistant whose settings the turn takes."""
    name = (body.get("fireside") or {}).get("assistant")
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise bad_request("'fireside.assistant' must be an assistant's name", "fireside.assistant")
    return name


def _model(body: dict) -> str | None:
    model = body.get("model")
    if model is not None and not isinstance(model, str):
        raise bad_request("'model' must be a string", "model")
    return model


def parse_text(body, base: SamplingParams) -> TextOptions:
    body = check_known(body, COMPLETION_PARAMS)
    prompt = body.get("prompt")
    if isinstance(prompt, list) and len(prompt) == 1 and isinstance(prompt[0], str):
        prompt = prompt[0]
    if not isinstance(prompt, str):
        raise bad_request("'prompt' must be a string (one prompt per request)", "prompt")
    if body.get("echo") not in (None, False):
        raise unsupported("echo")
    stream = _flag(body, "stream", False)
    return TextOptions(
        model=_model(body),
        stream=stream,
        include_usage=_stream_options(body, stream),
        prompt=prompt,
        params=sampling(body, base),
    )
