"""Turn a ``TurnRequest`` into a stream of events: the one path every front end uses.

Order matters for not losing data: the model is loaded and the context gathered first (a
bad model file or an unknown message writes nothing), then the user's message is committed,
then the reply is streamed and checkpointed to the database every couple of seconds, so
Ctrl-C, Stop, or even a killed process leave the partial reply in history.

Context comes from providers the engine calls: a slash command's result, the document
collections the chat answers from (``documents.context.DocumentsProvider``) and plugins'
``before_prompt`` hooks. So a chat with documents gets tools and slash commands like any
chat, and a regenerated or edited question is answered from the documents again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace

from fireside.assistant import language as lang
from fireside.assistant.context_window import fit_messages, prompt_budget
from fireside.assistant.conversation import Conversation, Message
from fireside.assistant.documents.map_reduce import ReadingCancelled
from fireside.assistant.events import (
    Citation,
    Citations,
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
from fireside.assistant.settings import Settings
from fireside.assistant.slash_commands import (
    SlashCommand,
    parse_slash_command,
    run_slash_command,
)
from fireside.assistant.tool_calls import ToolCallRecord
from fireside.assistant.tool_loop import ToolLoopResult, backend_generate, run_tool_loop
from fireside.assistant.tool_protocol import openai_tools
from fireside.assistant.tool_routing import route_message
from fireside.assistant.turn_request import AFTER_CURRENT, ToolPolicy, TurnRequest
from fireside.assistant.turn_tools import TurnTools
from fireside.models.backend import ChatBackend
from fireside.models.errors import ModelError
from fireside.models.generation import CancelToken, GenerationStats, TextChunk
from fireside.models.sampling import SamplingParams

from fireside.errors import FiresideError

__all__ = ["AFTER_CURRENT", "ChatEngine", "title_from"]

log = logging.getLogger(__name__)

CHECKPOINT_EVERY_S = 2.0
_STATUS_BY_FINISH = {"stop": "complete", "length": "complete", "cancelled": "stopped"}
_USER_ERRORS = (FiresideError,)  # ModelError, NotFoundError, SlashCommandError... derive from it


def title_from(text: str) -> str:
    """A new chat's title: its first message on one line, cut at 60 characters."""
    line = " ".join(text.split())
    return (line[:57] + "…") if len(line) > 60 else (line or "New chat")


@dataclass
class _Turn:
    """A request resolved against history: where the reply goes and what it answers."""

    question: str
    conversation: Conversation | None  # None: a new chat, created when the turn commits
    user: Message | None  # the stored question (regenerate), else written at commit
    parent_id: int | None
    backend: ChatBackend
    params: SamplingParams
    language: str
    tools: TurnTools | None = None
    slash: SlashCommand | None = None
    collections: list[str] = field(default_factory=list)
    remember_collections: bool = False
    notices: list[str] = field(default_factory=list)


class ChatEngine:
    def __init__(
        self,
        history: HistoryStore,
        models,
        settings: Settings,
        plugins=None,
        documents=None,
        languages: lang.LanguageDetector | None = None,
        mcp=None,
        tool_selector=None,
    ) -> None:
        self.history = history
        self.models = models  # model_manager.ModelManager: ``get(path) -> ChatBackend``
        self.settings = settings
        self.plugins = plugins  # plugins.manager.PluginManager, or None for no plugins
        self.documents = documents  # documents.context.DocumentsProvider, or None
        self.languages = languages or lang.LanguageDetector()
        self.mcp = mcp  # mcp.manager.McpManager, or None: no MCP servers
        self.tool_selector = tool_selector  # tool_selection.ToolSelector, or None: offer all

    def turn_tools(
        self, approve=None, enabled: bool | None = None, routing: bool | None = None
    ) -> TurnTools | None:
        """The tools a turn may use, from the enabled plugins and the user's settings."""
        return self._tools(ToolPolicy(offer=enabled, approve=approve, routing=routing))

    # -- the entry point ---------------------------------------------------------------------
    def run(self, request: TurnRequest) -> Iterator[Event]:
        """Stream one turn: ``TurnStarted``, then ``Citations`` (with documents), text and
        tool events, and exactly one ``TurnDone`` or ``TurnError``."""
        try:
            turn = self._resolve(request)
        except _USER_ERRORS as exc:
            yield TurnError(str(exc), request.conversation_id)
            return
        for notice in turn.notices:
            yield TurnNotice(notice)
        cid = turn.conversation.id if turn.conversation else None
        if turn.notices and not turn.collections:  # every collection it had is gone
            yield TurnError(lang.text("all_collections_gone", turn.language), cid)
            return
        documents = None
        if turn.collections and turn.slash is None:
            try:
                documents = self._document_context(turn, request)
            except _USER_ERRORS as exc:
                message = str(exc)
                if isinstance(exc, ReadingCancelled):
                    message = lang.text("cancelled_reading", turn.language)
                yield TurnError(message, cid)
                return
        conv, user = self._commit(turn, request)
        yield TurnStarted(conv.id, user.id, user.parent_id)
        citations: list[Citation] = []
        context = None
        if documents is not None:
            citations = documents.citations
            yield Citations(citations)
            context = documents.text
            if context is None:
                if not self._offers_tools(turn):
                    yield from self._no_answer(conv, user, turn)
                    return
                context = self._nothing_found_note(turn)
        yield from self._reply(conv, user, turn, context, request.cancel, citations)

    # -- shorthands: each is one request to ``run`` -----------------------------------------
    def send(
        self,
        text: str,
        *,
        conversation_id: int | None = None,
        model_path=None,
        params=None,
        system=None,
        cancel=None,
        parent_id=AFTER_CURRENT,
        tools: TurnTools | ToolPolicy | None = None,
    ) -> Iterator[Event]:
        """A new user message (after the current leaf, or under ``parent_id``)."""
        return self.run(
            TurnRequest(
                text,
                conversation_id=conversation_id,
                parent_id=parent_id,
                model=model_path,
                params=params,
                system=system,
                cancel=cancel,
                tools=_policy(tools),
            )
        )

    def regenerate(
        self,
        message_id: int,
        *,
        model_path=None,
        params=None,
        cancel=None,
        tools: TurnTools | ToolPolicy | None = None,
    ) -> Iterator[Event]:
        """A new version of an assistant reply; the old one stays as a sibling."""
        return self.run(
            TurnRequest(
                regenerate=message_id,
                model=model_path,
                params=params,
                cancel=cancel,
                tools=_policy(tools),
            )
        )

    def edit(
        self,
        message_id: int,
        new_text: str,
        *,
        model_path=None,
        params=None,
        cancel=None,
        tools: TurnTools | ToolPolicy | None = None,
    ) -> Iterator[Event]:
        """Resend an edited user message as a sibling of the original, keeping the original."""
        return self.run(
            TurnRequest(
                new_text,
                edit=message_id,
                model=model_path,
                params=params,
                cancel=cancel,
                tools=_policy(tools),
            )
        )

    # -- resolving a request -----------------------------------------------------------------
    def question_of(self, message_id: int) -> Message:
        """The user message a reply answers (the message itself when it is the user's)."""
        message = self.history.get_message(message_id)
        if message.role != "user" and message.parent_id is not None:
            message = self.history.get_message(message.parent_id)
        return message

    def _resolve(self, request: TurnRequest) -> _Turn:
        user = None
        parent_id = request.parent_id
        conversation_id = request.conversation_id
        question = request.text
        if request.regenerate is not None:
            user = self.question_of(request.regenerate)
            question, conversation_id, parent_id = (
                user.content,
                user.conversation_id,
                user.parent_id,
            )
        elif request.edit is not None:
            old = self.history.get_message(request.edit)
            conversation_id, parent_id = old.conversation_id, old.parent_id
        conv = self.history.get_conversation(conversation_id) if conversation_id else None
        tools = self._tools(request.tools)
        slash = None
        if tools is not None and question.startswith("/"):
            slash = parse_slash_command(question, tools.registry)
        backend = self.models.get(request.model)
        params = request.params or self.settings.model_settings(backend.description.id).sampling
        turn = _Turn(
            question,
            conv,
            user,
            parent_id,
            backend,
            params,
            self.languages.detect(question),
            tools,
            slash,
        )
        self._choose_collections(turn, request)
        return turn

    def _choose_collections(self, turn: _Turn, request: TurnRequest) -> None:
        """The collections this turn answers from; ones deleted since are left out with a
        notice (never an error that stops the chat), and forgotten by the chat."""
        if request.collections is not None:
            names, turn.remember_collections = list(request.collections), True
        else:
            names = list(turn.conversation.collections) if turn.conversation else []
        if not names:
            return
        if self.documents is None:
            raise FiresideError("document chat is not available: no documents store")
        kept, missing = self.documents.split_available(names)
        if missing:
            key = "collections_gone" if len(missing) > 1 else "collection_gone"
            names_text = lang.quoted_names(missing, turn.language)
            turn.notices.append(lang.text(key, turn.language, names=names_text))
            turn.remember_collections = True
        turn.collections = kept

    def _tools(self, policy: ToolPolicy | None) -> TurnTools | None:
        if policy is None or self.plugins is None:
            return None
        allowed = policy.always_allowed
        chat = self.settings.chat
        return TurnTools(
            registry=combined_registry(self.plugins.tools(), self.mcp),
            approve=policy.approve,
            always_allowed=list(chat.always_allowed_tools if allowed is None else allowed),
            enabled=chat.tools_enabled if policy.offer is None else policy.offer,
            routing=chat.routing_enabled if policy.routing is None else policy.routing,
        )

    def _offers_tools(self, turn: _Turn) -> bool:
        d = turn.backend.description
        return (
            turn.tools is not None
            and turn.slash is None
            and turn.tools.offered_to(d.tool_format != "prompt", d.parameter_count or 0)
        )

    # -- context -----------------------------------------------------------------------------
    def _document_context(self, turn: _Turn, request: TurnRequest):
        # numpy, search and embedders load on the first turn with documents, not at start-up
        from fireside.assistant.documents.context import ContextQuery

        backend = turn.backend
        budget = prompt_budget(backend.description.n_ctx, turn.params.max_tokens)
        return self.documents.context(
            ContextQuery(
                question=turn.question,
                collections=turn.collections,
                prompt_budget=budget,
                count_text=backend.count_text,
                ask_model=lambda messages, max_tokens: self.complete(
                    backend, messages, replace(turn.params, max_tokens=max_tokens), request.cancel
                ),
                options=request.retrieval,
                documents=request.documents,
                cancel=request.cancel,
            )
        )

    def complete(
        self,
        backend: ChatBackend,
        messages: list[dict],
        params: SamplingParams,
        cancel: CancelToken | None = None,
    ) -> str:
        """One whole reply, for steps the user does not watch (a map step's notes)."""
        return "".join(
            item.text
            for item in backend.stream(messages, params, cancel)
            if isinstance(item, TextChunk)
        )

    def _nothing_found_note(self, turn: _Turn) -> str:
        names = lang.quoted_names(turn.collections)
        return (
            f"The user's document collections ({names}) contain nothing about this request. "
            "Use a tool if one helps; otherwise say that the documents do not contain it."
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

    def build_messages(
        self, conv: Conversation, leaf: Message, context: str | None = None, language: str = ""
    ) -> list[dict]:
        system = (
            conv.system_prompt
            if conv.system_prompt is not None
            else self.settings.chat.system_prompt
        )
        for extra in (
            context,
            lang.text("answer_in", language) if lang.is_chinese(language) else None,
        ):
            if extra:
                system = f"{system}\n\n{extra}" if system else extra
        messages = [{"role": "system", "content": system}] if system else []
        for msg in self.history.thread(conv.id, leaf.id):
            if msg.role in ("user", "assistant") and (msg.content or msg.role == "user"):
                messages.append({"role": msg.role, "content": msg.content})
        return messages

    # -- committing and replying -------------------------------------------------------------
    def _commit(self, turn: _Turn, request: TurnRequest) -> tuple[Conversation, Message]:
        conv = turn.conversation
        if conv is not None and request.system not in (None, conv.system_prompt):
            self.history.set_system_prompt(conv.id, request.system)
            conv.system_prompt = request.system
        if conv is None:
            system = (
                request.system if request.system is not None else self.settings.chat.system_prompt
            )
            conv = self.history.create_conversation(
                title_from(turn.question),
                model=turn.backend.description.id,
                system_prompt=system,
            )
        if turn.remember_collections:
            self.history.set_collections(conv.id, turn.collections)
        user = turn.user
        if user is None:
            parent = conv.current_leaf_id if turn.parent_id == AFTER_CURRENT else turn.parent_id
            user = self.history.add_message(conv.id, "user", turn.question, parent)
        return conv, user

    def _no_answer(self, conv: Conversation, user: Message, turn: _Turn) -> Iterator[Event]:
        """The fixed reply, in the user's language, written without asking the model."""
        where = lang.text(
            "where", turn.language, names=lang.quoted_names(turn.collections, turn.language)
        )
        text = lang.text("no_answer", turn.language, where=where if turn.collections else "")
        reply = self.history.add_message(conv.id, "assistant", text, user.id, model="documents")
        yield TextDelta(text)
        yield TurnDone(conv.id, reply.id, text, "documents", "stop", Usage(), Timings())

    def _reply(
        self,
        conv: Conversation,
        user: Message,
        turn: _Turn,
        context: str | None,
        cancel: CancelToken | None,
        citations: Sequence[Citation] = (),
    ) -> Iterator[Event]:
        backend, params, tools = turn.backend, turn.params, turn.tools
        document_context = context is not None
        calls: list[dict] = []
        if turn.slash is not None:
            # The user typed the call: that is the approval. The model gets the result as data.
            done = run_slash_command(turn.slash, tools.registry)
            call, result = done.events()
            yield call
            yield result
            calls.append(ToolCallRecord.of(call, result).to_dict())
            context = f"{context}\n\n{done.context}" if context else done.context
        # Tool routing: an obvious request in the user's own words runs its tool first.
        routed = route_message(user.content, tools) if turn.slash is None else None
        if routed is not None:
            yield from routed.events()
            calls.append(routed.record())
            params = routed.sampling(params)
        context = self._plugin_context(conv, user, context)
        description = backend.description
        try:
            prompt = self.build_messages(conv, user, context, turn.language)
            if routed is not None:
                prompt += routed.messages()  # the tool's result, then what to do with it
            messages, dropped, prompt_tokens = fit_messages(
                prompt,
                backend.count_tokens,
                prompt_budget(description.n_ctx, params.max_tokens),
            )
        except ModelError as exc:
            self.history.add_message(
                conv.id,
                "assistant",
                "",
                user.id,
                status="error",
                model=description.id,
                backend=description.backend,
            )
            yield TurnError(str(exc), conv.id)
            return
        if dropped:
            yield ContextTrimmed(dropped, prompt_tokens, description.n_ctx)

        reply = self.history.add_message(
            conv.id,
            "assistant",
            "",
            user.id,
            status="streaming",
            model=description.id,
            backend=description.backend,
            settings=asdict(params),
        )
        parts: list[str] = []
        last_save = time.monotonic()
        stats: GenerationStats | None = None
        completion_tokens = 0
        use_tools = routed is None and self._offers_tools(turn)
        offered = None
        if use_tools and self.tool_selector is not None:
            # Many tools (MCP servers bring dozens): offer the few closest to the message.
            selection = self.tool_selector.select(tools.registry, user.content)
            if selection.trimmed:
                tools, offered = replace(tools, registry=selection.registry), selection.offered
                yield TurnNotice(selection.notice())
        try:
            for item in self._generate(
                backend, messages, params, cancel, tools, use_tools, document_context
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
            # The partial reply is kept, marked, with the reason (e.g. the model worker died).
            self.history.update_message(
                reply.id, content="".join(parts), status="error", timings={"error": str(exc)}
            )
            yield TurnError(str(exc), conv.id)
            return
        except Exception as exc:
            # A bug (a plugin, a tool, our own code): the partial reply is kept as an error,
            # not as "stopped", and the details go to the log.
            log.exception("unexpected error during a reply")
            reason = f"unexpected {type(exc).__name__}: {exc}"
            self.history.update_message(
                reply.id, content="".join(parts), status="error", timings={"error": reason}
            )
            yield TurnError(reason, conv.id)
            return
        except BaseException:
            # Ctrl-C, a closed generator, a crash in the consumer: keep what was said.
            self.history.update_message(reply.id, content="".join(parts), status="stopped")
            raise
        text = "".join(parts)
        if stats is None:  # cancelled before the model produced anything
            stats = GenerationStats("cancelled", prompt_tokens, 0, 0, 0, 0.0, 0.0)
        timings = Timings(
            description.load_s, stats.ttft_s, stats.generate_s, round(stats.tokens_per_s, 2)
        )
        usage = Usage(
            stats.prompt_tokens,
            completion_tokens,
            stats.prompt_eval_tokens,
            stats.cached_tokens,
        )
        sources = {"citations": [asdict(c) for c in citations]} if citations else {}
        self.history.update_message(
            reply.id,
            content=text,
            status=_STATUS_BY_FINISH.get(stats.finish_reason, "complete"),
            prompt_tokens=stats.prompt_tokens,
            completion_tokens=completion_tokens,
            tool_calls=calls,
            **sources,
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
            model=description.id,
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
        native = openai_tools(tools.registry) if backend.description.native_tools else None
        yield from run_tool_loop(
            backend_generate(backend, params, cancel, native),
            messages,
            tools.registry,
            approve=tools.approve,
            max_calls=tools.max_calls,
            cancel=cancel,
            tool_format=backend.description.tool_format,
            always_allowed=allowed,
        )


def _policy(tools: TurnTools | ToolPolicy | None) -> ToolPolicy | None:
    """The old ``tools=`` argument as a policy (a ``TurnTools`` from ``turn_tools``)."""
    if tools is None or isinstance(tools, ToolPolicy):
        return tools
    return ToolPolicy(
        offer=tools.enabled, approve=tools.approve, always_allowed=tools.always_allowed
    )
