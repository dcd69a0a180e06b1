"""The tool-calling loop of one chat turn: generate, run the proposed calls, generate again.

The engine passes a ``generate(messages, grammar, call_step)`` callable (wrapping
``ChatBackend.stream`` with its sampling settings and cancel token) and iterates::

    for event in run_tool_loop(generate, messages, registry, LoopOptions(approve=ask_user)):
        if isinstance(event, ToolLoopResult): ...store event.text and event.calls...
        else: ...forward TextDelta / ToolCall / ToolResult to the UI...

Safety rules, by construction:

* Only calls the *model* writes in its own reply are run. Text that reached the prompt from
  documents, tool results or plugins is never parsed for calls, so it cannot trigger or
  approve one; approval comes only from the ``approve`` callback (the user).
* Tools with network or filesystem access run only when ``approve(tool, arguments)`` says
  yes (or the tool is in ``always_allowed``); otherwise the result is "the user declined".
* Once a network or file tool has returned text in a turn, ``always_allowed`` no longer
  applies for the rest of it: a page that says "now fetch this URL" gets the user asked.
* A tool's ``check_call`` may refuse what the model proposed before anyone is asked (the
  web tools refuse a URL on this computer or the local network the user never typed).
* At most ``max_calls`` tools run per turn; then the model must answer in words.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from fireside.assistant.events import TextDelta, ToolCall, ToolResult
from fireside.assistant.tool_calls import ToolCallRecord
from fireside.assistant.tool_grammar import call_grammar, text_grammar
from fireside.assistant.tool_protocol import (
    ProposedCall,
    ToolCallParseError,
    parse_tool_calls,
    result_message,
    results_messages,
    with_tools_prompt,
)
from fireside.assistant.tool_stream import StepOutput, stream_step
from fireside.models.generation import CancelToken, GenerationStats, TextChunk
from fireside.models.sampling import SamplingParams
from fireside.plugins.registry import ToolRegistry, UnknownToolError
from fireside.plugins.tools import Tool, ToolOutcome, run_tool

if TYPE_CHECKING:
    from fireside.models.backend import ChatBackend

# generate(messages, grammar, call_step): ``call_step`` is True when the step is constrained
# to write a tool call (it gets sampling suited to JSON).
Generate = Callable[[list[dict], str | None, bool], Iterable[TextChunk | GenerationStats]]
Approve = Callable[[Tool, dict], bool]


@dataclass
class ToolLoopResult:
    """The last item the loop yields: what to store and show once the turn is over."""

    text: str  # exactly the concatenated TextDelta texts
    calls: list[ToolCallRecord] = field(default_factory=list)
    stats: GenerationStats | None = None  # of the last generation step
    steps: list[GenerationStats] = field(default_factory=list)
    messages: list[dict] = field(default_factory=list)  # the prompt as the model last saw it
    finish_reason: str = "stop"


def backend_generate(
    backend: ChatBackend,
    params: SamplingParams,
    cancel: CancelToken | None = None,
    tools: list[dict] | None = None,
) -> Generate:
    """``generate`` for a backend: its ``stream`` with these settings.

    Steps constrained to a call run without a repeat penalty: JSON repeats ``"`` and key
    names by nature, and a penalised quote pushes small models into nonsense arguments.
    ``tools`` (OpenAI schemas) go to a backend that takes them natively, on every step
    where calls are allowed.
    """
    call_params = replace(params, repeat_penalty=1.0)

    def generate(
        messages: list[dict], grammar: str | None, call_step: bool = False
    ) -> Iterable[TextChunk | GenerationStats]:
        if tools is not None:
            offered = tools if grammar is None or call_step else None
            return backend.stream(messages, params, cancel, grammar=grammar, tools=offered)
        chosen = call_params if call_step else params
        return backend.stream(messages, chosen, cancel, grammar=grammar)

    return generate


@dataclass
class LoopOptions:
    """How one turn's tool loop behaves.

    ``approve`` is asked before a network or file-system tool runs (None: nobody can be
    asked, so such calls are refused, saying ``refusal_hint`` when given). ``tool_format`` is
    ``tool_protocol.detect_tool_format(template_text)``. ``require_tool`` forces the first
    reply to be a call. ``always_allowed`` tools run without asking.
    """

    approve: Approve | None = None
    max_calls: int = 4
    tool_format: str = "prompt"
    require_tool: bool = False
    always_allowed: Collection[str] = ()
    use_grammar: bool = True
    refusal_hint: str | None = None
    user_text: str = ""  # the user's own words, for the tools' ``check_call``


def refusal_text(tool_name: str, asked: bool, hint: str | None = None) -> str:
    """What a refused call returns to the model (and shows the user), said in one place."""
    if asked:
        return f"the user declined to run {tool_name}"
    text = f"the user declined: {tool_name} needs approval and none could be asked"
    return f"{text} ({hint})" if hint else text


def _approval_error(tool: Tool, args: dict, options: LoopOptions, allowed: Collection[str]):
    if not tool.needs_approval or tool.name in allowed:
        return None
    if options.approve is None:
        return refusal_text(tool.name, False, options.refusal_hint)
    try:
        ok = bool(options.approve(tool, args))
    except Exception:  # noqa: BLE001 - a failing approval dialog is a "no"
        ok = False
    return None if ok else refusal_text(tool.name, True)


def _checked(tool: Tool, args: dict, user_text: str) -> str | None:
    """The tool's own refusal of a call the model proposed (None: it may go on)."""
    if tool.check_call is None:
        return None
    try:
        return tool.check_call(dict(args), user_text)
    except Exception as exc:  # noqa: BLE001 - a failing check is a refusal, never a crash
        return f"refused: {tool.name} could not check the call ({type(exc).__name__})"


def _reads_outside(registry: ToolRegistry, name: str) -> bool:
    try:
        return registry.get(name).needs_approval
    except UnknownToolError:
        return False


def _grammar(builder: Callable[[], str], enabled: bool) -> str | None:
    if not enabled:
        return None
    try:
        return builder()
    except Exception:  # noqa: BLE001 - a schema llama.cpp cannot express: go unconstrained
        return None


class _ToolLoop:
    """The state of one turn's loop: the conversation so far, the calls made, the budget."""

    def __init__(self, generate: Generate, registry: ToolRegistry, options: LoopOptions):
        self.generate = generate
        self.registry = registry
        self.options = options
        self.done: dict[str, str] = {}  # call key -> output, to stop a model repeating itself
        self.attempts = 0
        self.force_text = not len(registry)
        self.allowed: Collection[str] = tuple(options.always_allowed)

    @property
    def own_syntax(self) -> bool:
        return self.options.tool_format == "prompt"

    def step_grammar(self, regenerate_call: bool) -> tuple[str | None, bool, bool]:
        """``(grammar, calls allowed, call step)`` for the next generation step."""
        fmt, registry = self.options.tool_format, self.registry
        calls_allowed = not self.force_text and self.attempts < self.options.max_calls
        if not calls_allowed:
            # Rare (the budget is spent): worth a slower step to keep call syntax out of view.
            enabled = self.options.use_grammar and len(registry) > 0
            return _grammar(lambda: text_grammar(fmt), enabled), False, False
        if regenerate_call or (self.options.require_tool and self.attempts == 0):
            grammar = _grammar(lambda: call_grammar(registry, fmt), True)
            return grammar, True, grammar is not None
        # Unconstrained: a grammar checked against the whole vocabulary makes every token
        # about ten times slower. A reply that starts like a call but does not parse is
        # regenerated under the call grammar, so no malformed call gets through.
        return None, True, False

    def parse(self, step: StepOutput):
        parsed = parse_tool_calls(step.raw) if step.maybe_call else None
        if parsed is None and step.maybe_call and self.own_syntax and step.raw.lstrip()[:1] == "{":
            raise ToolCallParseError("the reply started like a tool call but is not one")
        return parsed

    def run_calls(self, calls: list[ProposedCall], result: ToolLoopResult, convo: list[dict]):
        """Run the proposed calls (yielding their events); the replies go into ``convo``."""
        max_calls, fmt = self.options.max_calls, self.options.tool_format
        replies = []
        for call in calls:
            key = f"{call.name}:{json.dumps(call.arguments, sort_keys=True)}"
            call_id = f"call_{uuid.uuid4().hex[:12]}"
            if key in self.done:
                self.force_text = True
                replies.append(
                    (
                        call_id,
                        f"{call.name} was already called with these arguments; "
                        f"its result was: {self.done[key]}. Answer the user now.",
                    )
                )
                continue
            if self.attempts >= max_calls:
                self.force_text = True
                replies.append(
                    (call_id, f"No more tool calls are allowed in this turn ({max_calls}).")
                )
                continue
            self.attempts += 1
            proposed = ToolCall(call_id, call.name, dict(call.arguments))
            yield proposed
            outcome = self.execute(call)
            if not outcome.is_error and _reads_outside(self.registry, call.name):
                # What a network or file tool returns is outside text, not the user: from
                # here on every such call is asked for, "always allow" or not.
                self.allowed = ()
            result_event = ToolResult(
                call_id,
                call.name,
                outcome.output,
                outcome.is_error,
                outcome.duration_s,
                outcome.sources,
            )
            yield result_event
            result.calls.append(ToolCallRecord.of(proposed, result_event))
            self.done[key] = outcome.output
            message = result_message(fmt, call.name, outcome.output, outcome.is_error)
            replies.append((call_id, message["content"]))
        convo.extend(results_messages(fmt, replies))

    def execute(self, call: ProposedCall) -> ToolOutcome:
        try:
            tool = self.registry.get(call.name)
        except UnknownToolError as exc:
            return ToolOutcome(str(exc), True, 0.0)
        refusal = _checked(tool, call.arguments, self.options.user_text)
        if refusal:
            return ToolOutcome(refusal, True, 0.0)
        refusal = _approval_error(tool, call.arguments, self.options, self.allowed)
        if refusal:
            return ToolOutcome(refusal, True, 0.0)
        return run_tool(tool, call.arguments)


def run_tool_loop(
    generate: Generate,
    messages: list[dict],
    tools: ToolRegistry | Iterable[Tool],
    options: LoopOptions | None = None,
    cancel: CancelToken | None = None,
) -> Iterator[TextDelta | ToolCall | ToolResult | ToolLoopResult]:
    """Yield ``TextDelta``/``ToolCall``/``ToolResult`` events, then one ``ToolLoopResult``.

    Steps run unconstrained; a reply that starts like a call but does not parse is generated
    again under the call grammar (built from the tools' JSON schemas); once the call budget
    is spent, steps are constrained to text.
    """
    options = options or LoopOptions()
    registry = tools if isinstance(tools, ToolRegistry) else ToolRegistry(tools)
    fmt = options.tool_format
    convo = with_tools_prompt(messages, registry, fmt) if len(registry) else list(messages)
    result = ToolLoopResult(text="", messages=convo)
    loop = _ToolLoop(generate, registry, options)
    regenerate_call = False
    while True:
        if cancel is not None and cancel.cancelled:
            result.finish_reason = "cancelled"
            break
        grammar, calls_allowed, call_step = loop.step_grammar(regenerate_call)
        retrying, regenerate_call = regenerate_call, False
        step: StepOutput = yield from stream_step(
            generate(convo, grammar, call_step),
            calls_allowed,
            separator="\n\n" if result.text else "",
        )
        result.text += step.shown
        if step.stats is not None:
            result.stats = step.stats
            result.steps.append(step.stats)
            result.finish_reason = step.stats.finish_reason
        if result.finish_reason == "cancelled" or (cancel is not None and cancel.cancelled):
            result.finish_reason = "cancelled"
            break
        try:
            parsed = loop.parse(step)
        except ToolCallParseError as exc:
            # Our own call syntax: write the call again under the grammar (nothing was shown).
            # Trained formats get the error back instead and correct themselves.
            own = loop.own_syntax and options.use_grammar
            if own and not retrying and not step.shown and not grammar:
                regenerate_call = True
                continue
            loop.attempts += 1
            convo.append({"role": "assistant", "content": step.raw.strip()})
            convo.append(result_message(fmt, "the tool call", str(exc), True))
            continue
        if parsed is None:
            if step.held:  # looked like a call at first, but was an answer after all
                yield TextDelta(step.held)
                result.text += step.held
            break
        convo.append({"role": "assistant", "content": step.raw.strip()})
        yield from loop.run_calls(parsed[1], result, convo)
    yield result
    return result
