"""Turn a conversation plus settings into a stream of events; the one path every front end uses.

Order matters for not losing data: the model is loaded first (a bad model file writes
nothing), then the user's message is committed, then the reply is streamed and checkpointed
to the database every couple of seconds, so Ctrl-C, Stop, or even a killed process leave the
partial reply in history.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import asdict, replace

from fireside.assistant.context_window import fit_messages
from fireside.assistant.conversation import Conversation, Message
from fireside.assistant.events import (
    ContextTrimmed,
    Event,
    TextDelta,
    Timings,
    ToolCall,
    ToolResult,
    TurnDone,
    TurnError,
    TurnNotice,
    TurnStarted,
    Usage,
)
from fireside.assistant.history import HistoryStore
from fireside.assistant.mcp.registry import combined_registry
from fireside.assistant.model_manager import ModelManager
from fireside.assistant.settings import Settings
from fireside.assistant.slash_commands import (
    SlashCommandError,
    parse_slash_command,
    run_slash_command,
)
from fireside.assistant.tool_loop import ToolLoopResult, backend_generate, run_tool_loop
from fireside.assistant.tool_routing import route_message
from fireside.assistant.turn_tools import TurnTools
from fireside.models.errors import ModelError
from fireside.models.generation import CancelToken, GenerationStats, TextChunk
from fireside.models.llama_backend import LlamaBackend
from fireside.models.sampling import SamplingParams

CHECKPOINT_EVERY_S = 2.0
AFTER_CURRENT = -1  # parent_id default: continue after the conversation's current leaf
_STATUS_BY_FINISH = {"stop": "complete", "length": "complete", "cancelled": "stopped"}


def _title_from(text: str) -> str:
    line = " ".join(text.split())
    return (line[:57] + "…") if len(line) > 60 else (line or "New chat")


class ChatEngine:
    def __init__(
        self,
        history: HistoryStore,
        models: ModelManager,
        settings: Settings,
        plugins=None,
        mcp=None,
        tool_selector=None,
    ) -> None:
        self.history = history
        self.models = models
        self.settings = settings
        self.plugins = plugins  # plugins.manager.PluginManager, or None for no plugins
        self.mcp = mcp  # mcp.manager.McpManager, or None: no MCP servers
        self.tool_selector = tool_selector  # tool_selection.ToolSelector, or None: offer all

    def turn_tools(
        self, approve=None, enabled: bool | None = None, routing: bool | None = None
    ) -> TurnTools | None:
        """The tools a turn may use, from the enabled plugins and the user's settings."""
        if self.plugins is None:
            return None
        return TurnTools(
            registry=combined_registry(self.plugins.tools(), self.mcp),
            approve=approve,
            always_allowed=list(self.settings.always_allowed_tools),
            enabled=self.settings.tools_enabled if enabled is None else enabled,
            routing=self.settings.routing_enabled if routing is None else routing,
        )

    # -- public entry points -----------------------------------------------------------------
    def send(
        self,
        text: str,
        *,
        conversation_id: int | None = None,
        model_path: str | None = None,
        params: SamplingParams | None = None,
        system: str | None = None,
        context: str | None = None,
        cancel: CancelToken | None = None,
        parent_id: int | None = AFTER_CURRENT,
        tools: TurnTools | None = None,
    ) -> Iterator[Event]:
        """Add a user message and stream a reply.

        The message follows the current leaf, or ``parent_id`` (``None``: a new first
        message, as when the first message is edited).
        """
        try:
            slash = self._parse_slash(text, tools)
            backend = self.models.get(model_path)
            conv = self._conversation(conversation_id, text, backend, system)
        except (ModelError, KeyError, SlashCommandError) as exc:
            yield TurnError(str(exc).strip("'\""), conversation_id)
            return
        if parent_id == AFTER_CURRENT:
            parent_id = conv.current_leaf_id
        user = self.history.add_message(conv.id, "user", text, parent_id)
        yield TurnStarted(conv.id, user.id, parent_id)
        yield from self._reply(conv, user, backend, params, context, cancel, tools, slash)

    def regenerate(
        self,
        message_id: int,
        *,
        model_path: str | None = None,
        params: SamplingParams | None = None,
        context: str | None = None,
        cancel: CancelToken | None = None,
        tools: TurnTools | None = None,
    ) -> Iterator[Event]:
        """A new version of an assistant reply; the old one stays as a sibling."""
        try:
            old = self.history.get_message(message_id)
            user = self.history.get_message(old.parent_id) if old.role == "assistant" else old
            backend = self.models.get(model_path)
            conv = self.history.get_conversation(user.conversation_id)
            slash = self._parse_slash(user.content, tools)
        except (ModelError, KeyError, SlashCommandError) as exc:
            yield TurnError(str(exc).strip("'\""))
            return
        yield TurnStarted(conv.id, user.id, user.parent_id)
        yield from self._reply(conv, user, backend, params, context, cancel, tools, slash)

    def edit(
        self,
        message_id: int,
        new_text: str,
        *,
        model_path: str | None = None,
        params: SamplingParams | None = None,
        context: str | None = None,
        cancel: CancelToken | None = None,
        tools: TurnTools | None = None,
    ) -> Iterator[Event]:
        """Resend an edited user message as a sibling of the original, keeping the original."""
        try:
            old = self.history.get_message(message_id)
        except KeyError as exc:
            yield TurnError(str(exc).strip("'\""))
            return
        yield from self.send(
            new_text,
            conversation_id=old.conversation_id,
            model_path=model_path,
            params=params,
            context=context,
            cancel=cancel,
            parent_id=old.parent_id,
            tools=tools,
        )

    # -- internals ---------------------------------------------------------------------------
    def _parse_slash(self, text: str, tools: TurnTools | None):
        if tools is None or not text.startswith("/"):
            return None
        return parse_slash_command(text, tools.registry)

    def _conversation(
        self, conversation_id: int | None, text: str, backend: LlamaBackend, system: str | None
    ) -> Conversation:
        if conversation_id is not None:
            conv = self.history.get_conversation(conversation_id)
            if system is not None and system != conv.system_prompt:
                self.history.set_system_prompt(conv.id, system)
                conv.system_prompt = system
            return conv
        return self.history.create_conversation(
            _title_from(text),
            model=backend.description.id,
            system_prompt=system if system is not None else self.settings.system_prompt,
        )

    def build_messages(
        self, conv: Conversation, leaf: Message, context: str | None = None
    ) -> list[dict]:
        system = (
            conv.system_prompt if conv.system_prompt is not None else self.settings.system_prompt
        )
        if context:
            system = f"{system}\n\n{context}" if system else context
        messages = [{"role": "system", "content": system}] if system else []
        for msg in self.history.thread(conv.id, leaf.id):
            if msg.role in ("user", "assistant") and (msg.content or msg.role == "user"):
                messages.append({"role": msg.role, "content": msg.content})
        return messages

    def _reply(
        self,
        conv: Conversation,
        user: Message,
        backend: LlamaBackend,
        params: SamplingParams | None,
        context: str | None,
        cancel: CancelToken | None,
        tools: TurnTools | None = None,
        slash=None,
    ) -> Iterator[Event]:
        params = params or self.settings.model_settings(backend.description.id).sampling
        calls: list[dict] = []
        if slash is not None:
            # The user typed the call: that is the approval. The model gets the result as data.
            done = run_slash_command(slash, tools.registry)
            yield from done.events()
            calls.append(_call_record(done.events()))
            context = f"{context}\n\n{done.context}" if context else done.context
        # Tool routing: an obvious request in the user's own words runs its tool first.
        routed = route_message(user.content, tools) if slash is None else None
        if routed is not None:
            yield from routed.events()
            calls.append(routed.record())
            params = routed.sampling(params)
        context = self._plugin_context(conv, user, context)
        load_s = backend.description.load_s
        try:
            budget = backend.description.n_ctx - min(params.max_tokens, backend.description.n_ctx // 2)
            prompt = self.build_messages(conv, user, context)
            if routed is not None:
                prompt += routed.messages()  # the tool's result, then what to do with it
            messages, dropped, prompt_tokens = fit_messages(prompt, backend.count_tokens, budget)
        except ModelError as exc:
            self.history.add_message(
                conv.id, "assistant", "", user.id, status="error", model=backend.description.id
            )
            yield TurnError(str(exc), conv.id)
            return
        if dropped:
            yield ContextTrimmed(dropped, prompt_tokens, backend.description.n_ctx)

        reply = self.history.add_message(
            conv.id,
            "assistant",
            "",
            user.id,
            status="streaming",
            model=backend.description.id,
            settings=asdict(params),
        )
        parts: list[str] = []
        last_save = time.monotonic()
        stats: GenerationStats | None = None
        completion_tokens = 0
        use_tools = (
            tools is not None
            and slash is None
            and routed is None
            and tools.offered_to(
                backend.description.tool_format != "prompt",
                backend.description.parameter_count or 0,
            )
        )
        offered = None
        if use_tools and self.tool_selector is not None:
            # Many tools (MCP servers bring dozens): offer the few closest to the message.
            selection = self.tool_selector.select(tools.registry, user.content)
            if selection.trimmed:
                tools, offered = replace(tools, registry=selection.registry), selection.offered
                yield TurnNotice(selection.notice())
        try:
            for item in self._generate(
                backend,
                messages,
                params,
                cancel,
                tools,
                use_tools,
                document_context=context is not None,
            ):
                if isinstance(item, (TextChunk, TextDelta)):
                    parts.append(item.text)
                    yield TextDelta(item.text)
                    if time.monotonic() - last_save > CHECKPOINT_EVERY_S:
                        self.history.update_message(reply.id, content="".join(parts))
                        last_save = time.monotonic()
                elif isinstance(item, (ToolCall, ToolResult)):
                    yield item
                elif isinstance(item, ToolLoopResult):
                    stats = item.stats
                    completion_tokens = sum(s.completion_tokens for s in item.steps)
                    calls += [c.to_dict() for c in item.calls]
                    if item.finish_reason == "cancelled" and stats is not None:
                        stats.finish_reason = "cancelled"
                    self.history.update_message(reply.id, tool_calls=calls)
                elif isinstance(item, GenerationStats):
                    stats = item
                    completion_tokens = item.completion_tokens
        except ModelError as exc:
            self.history.update_message(reply.id, content="".join(parts), status="error")
            yield TurnError(str(exc), conv.id)
            return
        except BaseException:
            # Ctrl-C, a closed generator, a crash in the consumer: keep what was said.
            self.history.update_message(reply.id, content="".join(parts), status="stopped")
            raise
        text = "".join(parts)
        if stats is None:  # cancelled before the model produced anything
            stats = GenerationStats("cancelled", prompt_tokens, 0, 0, 0, 0.0, 0.0)
        timings = Timings(load_s, stats.ttft_s, stats.generate_s, round(stats.tokens_per_s, 2))
        usage = Usage(
            stats.prompt_tokens,
            completion_tokens,
            stats.prompt_eval_tokens,
            stats.cached_tokens,
        )
        self.history.update_message(
            reply.id,
            content=text,
            status=_STATUS_BY_FINISH.get(stats.finish_reason, "complete"),
            prompt_tokens=stats.prompt_tokens,
            completion_tokens=completion_tokens,
            tool_calls=calls,
            timings={
                **asdict(timings),
                "finish_reason": stats.finish_reason,
                "prompt_eval_tokens": stats.prompt_eval_tokens,
                "cached_tokens": stats.cached_tokens,
                "dropped_messages": dropped,
                **({"offered_tools": offered} if offered else {}),
            },
        )
        if self.plugins is not None and stats.finish_reason != "cancelled":
            self.plugins.after_reply(text, conv.id)
        yield TurnDone(
            conversation_id=conv.id,
            message_id=reply.id,
            text=text,
            model=backend.description.id,
            finish_reason=stats.finish_reason,
            usage=usage,
            timings=timings,
            dropped_messages=dropped,
        )

    def _generate(self, backend, messages, params, cancel, tools, use_tools, document_context):
        if not use_tools:
            yield from backend.stream(messages, params, cancel)
            return
        # Text from documents is data, not the user: it never widens what runs unasked.
        allowed = () if document_context else tools.always_allowed
        yield from run_tool_loop(
            backend_generate(backend, params, cancel),
            messages,
            tools.registry,
            approve=tools.approve,
            max_calls=tools.max_calls,
            cancel=cancel,
            tool_format=backend.description.tool_format,
            always_allowed=allowed,
        )

    def _plugin_context(self, conv: Conversation, user: Message, context: str | None):
        """Extra context from plugins' ``before_prompt`` hooks (e.g. today's date)."""
        if self.plugins is None:
            return context
        extra = self.plugins.before_prompt(self.build_messages(conv, user))
        if not extra:
            return context
        joined = "\n\n".join(extra)
        return f"{context}\n\n{joined}" if context else joined


def _call_record(events: list) -> dict:
    call, result = events
    return {
        "call_id": call.call_id,
        "name": call.name,
        "arguments": call.arguments,
        "output": result.output,
        "is_error": result.is_error,
        "duration_s": result.duration_s,
        "source": "user",
    }
