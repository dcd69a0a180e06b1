"""Turn a ``TurnRequest`` into a stream of events: the one path every front end uses.

The window, the command line and the local API all hand a request to ``ChatEngine.run``.
The steps are the same for each: resolve the request (model, sampling, language, tools),
gather context (a slash command's result, the document collections, plugins'
``before_prompt`` hooks), commit the question, route an obvious request to its tool, build
and fit the prompt, pick the tools to offer, generate (plain, under a JSON grammar, through
the tool loop, or proposing the caller's own functions), record the reply, and call the
``after_reply`` hooks. Where the turn is written (the history, or nowhere for the API) is a
``turn_record`` object; nothing else differs between front ends.

Order matters for not losing data: the model is loaded and the context gathered first (a
bad model file or an unknown message writes nothing), then the user's message is committed,
then the reply is streamed and checkpointed every couple of seconds, so Ctrl-C, Stop, or
even a killed process leave the partial reply in history.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace

from fireside.assistant import language as lang
from fireside.assistant.assistants import Assistant
from fireside.assistant.chat_images import ChatImage, ChatImages, ImageError, read_note
from fireside.assistant.client_functions import CallerConversation, propose_calls, to_model_messages
from fireside.assistant.context_window import fit_messages, prompt_budget
from fireside.assistant.conversation import Conversation, Message
from fireside.assistant.documents.map_reduce import ReadingCancelled
from fireside.assistant.events import (
    Citation,
    Citations,
    ClientCall,
    ContextTrimmed,
    Event,
    SupportChecked,
    TextDelta,
    Timings,
    ToolCall,
    ToolResult,
    TurnDone,
    TurnError,
    TurnNotice,
    Usage,
)
from fireside.assistant.grammar_sandbox import GrammarRequest, GrammarSandbox
from fireside.assistant.history import HistoryStore
from fireside.assistant.json_grammar import response_grammar
from fireside.assistant.mcp.registry import combined_registry
from fireside.assistant.request_error import RequestError
from fireside.assistant.settings import Settings
from fireside.assistant.slash_commands import SlashCommand, parse_slash_command, run_slash_command
from fireside.assistant.tool_calls import ToolCallRecord
from fireside.assistant.tool_loop import (
    LoopOptions,
    ToolLoopResult,
    backend_generate,
    run_tool_loop,
)
from fireside.assistant.tool_protocol import openai_tools
from fireside.assistant.tool_routing import RoutedResult, asks_for_web, route_message
from fireside.assistant.tool_sources import WEB_PLUGIN, cited_sources, unreachable
from fireside.assistant.turn_record import CallerRecord, HistoryRecord, title_from
from fireside.assistant.turn_request import AFTER_CURRENT, ToolPolicy, TurnRequest
from fireside.assistant.turn_tools import TurnTools
from fireside.models.backend import ChatBackend
from fireside.models.errors import ModelError
from fireside.models.generation import CancelToken, GenerationStats, TextChunk
from fireside.models.ocr import OcrEngine
from fireside.models.sampling import SamplingParams
from fireside.plugins.registry import ToolRegistry

from fireside.errors import FiresideError, NotFoundError

__all__ = ["AFTER_CURRENT", "ChatEngine", "title_from"]

log = logging.getLogger(__name__)

CHECKPOINT_EVERY_S = 2.0
_STATUS_BY_FINISH = {"stop": "complete", "length": "complete", "cancelled": "stopped"}
_USER_ERRORS = (FiresideError,)  # ModelError, NotFoundError, RequestError... derive from it

Record = HistoryRecord | CallerRecord


@dataclass
class ResolvedTurn:
    """A request resolved: the model, what the turn answers and what it may use."""

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
    caller: CallerConversation | None = None  # a conversation the request carries (the API)
    grammar: str | None = None  # the reply's JSON grammar (response_format)
    format_hint: str | None = None  # and the instruction that goes with it
    assistant: Assistant | None = None
    remember_assistant: bool = False  # the chat keeps this choice (None: no assistant)
    assistant_gone: str | None = None  # the notice when the chat's assistant was deleted
    call_grammar: str | None = None  # the grammar of a call to the caller's functions
    images: list[ChatImage] = field(default_factory=list)  # the question's pictures
    image_data: dict[str, bytes] = field(default_factory=dict)  # pictures not kept (the API)


@dataclass
class _Prompt:
    messages: list[dict]
    dropped: int
    tokens: int
    params: SamplingParams
    routed: RoutedResult | None
    calls: list[dict]  # slash command and routed calls, run before the model
    documents: bool  # the context holds document text (data, not the user's words)
    sources: list = field(default_factory=list)  # pages the routed calls read (ToolSource)


@dataclass
class _Outcome:
    text: str
    stats: GenerationStats | None = None
    completion_tokens: int = 0
    calls: list[dict] = field(default_factory=list)
    client_calls: int = 0
    sources: list = field(default_factory=list)  # what the tools' results came from


class ChatEngine:
    def __init__(
        self,
        history: HistoryStore | Callable[[], HistoryStore],
        models,
        settings: Settings,
        plugins=None,
        documents=None,
        languages: lang.LanguageDetector | None = None,
        mcp=None,
        tool_selector=None,
        assistants=None,
        grammars: GrammarSandbox | None = None,
        images: ChatImages | None = None,
    ) -> None:
        # the history, or what opens it: a turn that writes nowhere (the API's) never
        # opens it, so a damaged history does not stop the local API
        self._history = history
        self.models = models  # model_manager.ModelManager: ``get(path) -> ChatBackend``
        self.settings = settings
        self.plugins = plugins  # plugins.manager.PluginManager, or None for no plugins
        self.documents = documents  # documents.context.DocumentsProvider, or None
        self.languages = languages or lang.LanguageDetector()
        self.mcp = mcp  # mcp.manager.McpManager, or None: no MCP servers
        self.tool_selector = tool_selector  # tool_selection.ToolSelector, or None: offer all
        # pictures in chats: kept beside the history, read with OCR for models that cannot
        # see (None: made from the history when first needed)
        self._images = images
        self.assistants = assistants  # assistant_store.AssistantStore, or None: no assistants
        # grammars from requests' schemas are built in a helper process (started on use)
        self.grammars = grammars if grammars is not None else GrammarSandbox()

    @property
    def history(self) -> HistoryStore:
        return self._history() if callable(self._history) else self._history

    @property
    def images(self) -> ChatImages:
        if self._images is None:
            self._images = ChatImages(self.history.images, OcrEngine())
        return self._images

    # -- the entry point ---------------------------------------------------------------------
    def run(self, request: TurnRequest) -> Iterator[Event]:
        """Stream one turn: ``TurnStarted``, then ``Citations`` (with documents), text and
        tool events, and exactly one ``TurnDone`` or ``TurnError``."""
        try:
            turn = self._resolve(request)
        except _USER_ERRORS as exc:
            yield TurnError(str(exc), request.conversation_id, error=exc)
            return
        if turn.assistant_gone:
            yield TurnNotice(turn.assistant_gone)
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
                yield TurnError(message, cid, error=exc)
                return
        record = self._record(turn, request)
        yield record.commit()
        citations: list[Citation] = []
        context = None
        if documents is not None:
            citations = documents.citations
            yield Citations(citations)
            context = documents.text
            if context is None:
                if not self._offers_tools(turn):
                    yield from self._no_answer(record, turn)
                    return
                context = self._nothing_found_note(turn)
        yield from self._reply(record, turn, context, documents, request, citations)

    # -- resolving a request -----------------------------------------------------------------
    def _question_of(self, message_id: int) -> Message:
        """The user message a reply answers (the message itself when it is the user's)."""
        message = self.history.get_message(message_id)
        if message.role != "user" and message.parent_id is not None:
            message = self.history.get_message(message.parent_id)
        return message

    def _resolve(self, request: TurnRequest) -> ResolvedTurn:
        user = None
        user_images: list[ChatImage] = []
        parent_id = request.parent_id
        conversation_id = request.conversation_id
        question = request.text
        if request.regenerate is not None:
            user = self._question_of(request.regenerate)
            question, conversation_id, parent_id = (
                user.content,
                user.conversation_id,
                user.parent_id,
            )
        elif request.edit is not None:
            old = self.history.get_message(request.edit)
            conversation_id, parent_id = old.conversation_id, old.parent_id
            user_images = [ChatImage.from_dict(d) for d in old.images]
        conv = self.history.get_conversation(conversation_id) if conversation_id else None
        assistant, gone = self._assistant(request, conv)
        model = request.model or (assistant.model if assistant is not None else None)
        backend = self.models.get(model)
        caller = None
        sees = backend.description.sees_images
        image_data: dict[str, bytes] = {}
        if request.messages is not None:
            caller = to_model_messages(list(request.messages), backend.description.tool_format)
            question = caller.question
            user_images = self._caller_images(caller, sees, request.save, image_data)
        if request.images:  # checked and kept before anything is written
            user_images = self.images.prepare(request.images, sees_images=sees, keep=True)
        tools = self._tools(request.tools, assistant, question)
        slash = None
        if tools is not None and question.startswith("/") and request.functions is None:
            slash = parse_slash_command(question, tools.registry)
        params = request.params or self.settings.model_settings(backend.description.id).sampling
        if assistant is not None:
            base = self.settings.model_settings(backend.description.id).sampling
            params = assistant.sampling_over(base, params)
        grammar, hint = response_grammar(request.response_format)
        grammar, hint = response_grammar(request.response_format, self.grammars.schema_grammar)
        call = None
        if request.functions is not None:
            offered = request.functions.offered()
            if grammar and offered and request.functions.choice == "auto":
                raise RequestError(
                    "response_format with tools needs tool_choice 'none' or 'required' (a "
                    "reply is either a call or JSON)",
                    "response_format",
                )
            if offered:
                grammar = hint = None  # the reply is a call, written under the call grammar
                # built now, so a schema that cannot be enforced is the request's error
                call = self.grammars.build(
                    GrammarRequest(
                        functions=tuple((f.name, f.parameters) for f in offered),
                        fmt=backend.description.tool_format,
                        param="tools",
                    )
                )
        turn = ResolvedTurn(
            question,
            conv,
            user,
            parent_id,
            backend,
            params,
            self.languages.detect(question),
            tools,
            slash,
            caller=caller,
            grammar=grammar,
            format_hint=hint,
            assistant=assistant,
            remember_assistant=request.assistant is not None or bool(gone),
            assistant_gone=gone,
            call_grammar=call,
            images=user_images,
            image_data=image_data,
        )
        self._choose_collections(turn, request)
        return turn

    def _assistant(
        self, request: TurnRequest, conv: Conversation | None
    ) -> tuple[Assistant | None, str | None]:
        """The request's assistant, else the chat's; one deleted since is forgotten (with a
        notice), never an error that stops the chat."""
        name = request.assistant
        if name is None and conv is not None:
            name = conv.assistant
            if name and (self.assistants is None or not self.assistants.exists(name)):
                language = self.languages.detect(request.text)
                return None, lang.text("assistant_gone", language, name=repr(name))
        if not name:
            return None, None
        if self.assistants is None:
            raise FiresideError("assistants are not available here")
        return self.assistants.get(name), None

    def _caller_images(
        self, caller, sees: bool, keep: bool, data: dict[str, bytes]
    ) -> list[ChatImage]:
        """Prepare the pictures of a caller's messages; returns the question's."""
        last: list[ChatImage] = []
        for message in caller.turns:
            inputs = message.pop("images", None)
            if not inputs:
                continue
            prepared = self.images.prepare(inputs, sees_images=sees, keep=keep)
            data.update({p.sha256: i.data for p, i in zip(prepared, inputs, strict=True)})
            message["images"] = [p.to_dict() for p in prepared]
            last = prepared
        if caller.turns and caller.turns[-1].get("role") != "user":
            return []
        return last

    def _choose_collections(self, turn: ResolvedTurn, request: TurnRequest) -> None:
        """The collections this turn answers from; ones deleted since are left out with a
        notice (never an error that stops the chat), and forgotten by the chat."""
        if request.collections is not None:
            names, turn.remember_collections = list(request.collections), True
        else:
            names = list(turn.conversation.collections) if turn.conversation else []
        assistant = turn.assistant
        if not names and assistant is not None:
            names = list(assistant.collections)  # its own, not remembered by the chat
            if not names and assistant.documents_only and self.documents is not None:
                names = [c.name for c in self.documents.store.collections(counts=False)]
            if not names and assistant.documents_only:
                raise FiresideError(
                    lang.text("no_collections_for", turn.language, name=repr(assistant.name))
                )
        if not names:
            return
        if self.documents is None:
            raise FiresideError("document chat is not available: no documents store")
        kept, missing = self.documents.split_available(names)
        if missing and turn.caller is not None:
            # a caller names its collections in each request: a wrong name is an error
            raise NotFoundError(f"no collection named '{missing[0]}'")
        if missing:
            key = "collections_gone" if len(missing) > 1 else "collection_gone"
            names_text = lang.quoted_names(missing, turn.language)
            turn.notices.append(lang.text(key, turn.language, names=names_text))
            turn.remember_collections = True
        turn.collections = kept

    def _tools(
        self, policy: ToolPolicy | None, assistant: Assistant | None, question: str = ""
    ) -> TurnTools | None:
        if policy is None or self.plugins is None:
            return None
        if assistant is not None and assistant.tools == []:
            return None  # an assistant without tools: no slash commands, no routing either
        web = self.settings.web.enabled if policy.web is None else policy.web
        plugin_tools = [t for t in self.plugins.tools() if web or t.plugin != WEB_PLUGIN]
        registry = combined_registry(plugin_tools, self.mcp)
        if policy.only is not None:
            registry = _only(registry, policy.only)
        if assistant is not None and assistant.tools is not None:
            # an assistant narrows what the front end allows, never widens it
            registry = ToolRegistry(registry.get(n) for n in assistant.tools if n in registry)
        allowed = policy.always_allowed
        chat = self.settings.chat
        return TurnTools(
            registry=registry,
            approve=policy.approve,
            always_allowed=list(chat.always_allowed_tools if allowed is None else allowed),
            enabled=chat.tools_enabled if policy.offer is None else policy.offer,
            routing=chat.routing_enabled if policy.routing is None else policy.routing,
            refusal_hint=policy.refusal_hint,
            user_text=question,
            web=web,
        )

    def _offers_tools(self, turn: ResolvedTurn) -> bool:
        d = turn.backend.description
        return (
            turn.tools is not None
            and turn.slash is None
            and turn.grammar is None
            and turn.tools.offered_to(d.tool_format != "prompt", d.parameter_count or 0)
        )

    def _record(self, turn: ResolvedTurn, request: TurnRequest) -> Record:
        default = lang.system_prompt_in(
            self.settings.chat.system_prompt, request.language or turn.language
        )
        system = request.system
        if turn.assistant is not None and turn.assistant.system_prompt:
            default = turn.assistant.system_prompt
            if system is None:
                system = default  # the chat's system prompt follows its assistant
        elif system is None and turn.remember_assistant and _had_assistant(turn.conversation):
            system = default  # the chat drops its assistant: back to the default prompt
        if turn.caller is not None and not request.save:
            return CallerRecord(turn.caller, default)
        return HistoryRecord(self.history, turn, system, default)

    # -- context -----------------------------------------------------------------------------
    def _document_context(self, turn: ResolvedTurn, request: TurnRequest):
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
                ask_model=lambda messages, max_tokens: self._complete(
                    backend, messages, replace(turn.params, max_tokens=max_tokens), request.cancel
                ),
                options=request.retrieval,
                documents=request.documents,
                cancel=request.cancel,
            )
        )

    def _complete(
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

    def _nothing_found_note(self, turn: ResolvedTurn) -> str:
        names = lang.quoted_names(turn.collections)
        return (
            f"The user's document collections ({names}) contain nothing about this request. "
            "Use a tool if one helps; otherwise say that the documents do not contain it."
        )

    def _plugin_context(self, record: Record, context: str | None) -> str | None:
        """Extra context from plugins' ``before_prompt`` hooks (e.g. today's date)."""
        if self.plugins is None:
            return context
        extra = self.plugins.before_prompt(self._messages(record))
        if not extra:
            return context
        joined = "\n\n".join(extra)
        return f"{context}\n\n{joined}" if context else joined

    def _messages(
        self, record: Record, extras: Sequence[str | None] = (), language: str = ""
    ) -> list[dict]:
        """The system prompt (with ``extras`` after it) and the thread up to the question."""
        system = record.system_prompt()
        instruction = lang.text("answer_in", language) if lang.is_chinese(language) else None
        for extra in (*extras, instruction):
            if extra:
                system = f"{system}\n\n{extra}" if system else extra
        messages = [{"role": "system", "content": system}] if system else []
        return messages + record.turns()

    # -- replying ----------------------------------------------------------------------------
    def _no_answer(self, record: Record, turn: ResolvedTurn) -> Iterator[Event]:
        """The fixed reply, in the user's language, written without asking the model."""
        text = lang.no_answer_text(turn.collections, turn.language)
        record.fixed_reply(text, "documents")
        yield TextDelta(text)
        yield TurnDone(
            record.conversation_id, record.reply_id, text, "documents", "stop", Usage(), Timings()
        )

    def _reply(
        self,
        record: Record,
        turn: ResolvedTurn,
        context: str | None,
        documents,
        request: TurnRequest,
        citations: Sequence[Citation] = (),
    ) -> Iterator[Event]:
        prompt = yield from self._prompt(record, turn, context, documents is not None)
        if prompt is None:
            return
        record.begin_reply(turn.backend.description, prompt.params)
        tools, offered, use_tools = yield from self._offered_tools(turn, prompt)
        outcome = yield from self._stream(record, turn, prompt, tools, use_tools, request)
        if outcome is None:
            return
        found = cited_sources(outcome.sources)
        if found:
            citations = [*citations, *found]
            yield Citations(list(citations))
        support = yield from self._check_support(turn, outcome, citations, documents)
        yield self._finish(record, turn, prompt, outcome, citations, offered, support)

    def _check_support(
        self, turn: ResolvedTurn, out: _Outcome, citations: Sequence[Citation], documents
    ) -> Iterator[Event]:
        """After a reply from documents: each sentence against the passages it was given
        (``documents/support.py``); a reply mostly not in them says so at its end. Returns
        what is stored with the reply, or None when there was nothing to check (no sources,
        a stopped reply, or one that also drew on tool results)."""
        cancelled = out.stats is not None and out.stats.finish_reason == "cancelled"
        if not citations or documents is None or cancelled or out.calls or not out.text.strip():
            return None
        report = self.documents.check_support(out.text, citations, documents.others)
        yield SupportChecked(report.sentences, report.mostly_unsupported)
        if report.mostly_unsupported:
            note = "\n\n" + lang.text("mostly_unsupported", turn.language)
            out.text += note
            yield TextDelta(note)
        return [asdict(s) for s in report.sentences]

    def _prompt(
        self, record: Record, turn: ResolvedTurn, context: str | None, documents: bool
    ) -> Iterator[Event]:
        """Run what comes before the model (a slash command, a routed tool), then build and
        fit the prompt; returns None after an error event when it cannot fit."""
        calls: list[dict] = []
        tools, params = turn.tools, turn.params
        if turn.slash is not None:
            # The user typed the call: that is the approval. The model gets the result as data.
            done = run_slash_command(turn.slash, tools.registry)
            call, result = done.events()
            yield call
            yield result
            calls.append(ToolCallRecord.of(call, result).to_dict())
            context = f"{context}\n\n{done.context}" if context else done.context
        # Tool routing: an obvious request in the user's own words runs its tool first.
        routed = route_message(turn.question, tools) if turn.slash is None else None
        sources: list = []
        if routed is not None:
            for event in routed.events():
                yield event
                if isinstance(event, ToolResult):
                    sources += event.sources
                    if unreachable(event):
                        yield TurnNotice(lang.text("web_unreachable", turn.language))
            calls += routed.records()
            params = routed.sampling(params)
        elif tools is not None and not tools.web and asks_for_web(turn.question):
            yield TurnNotice(lang.text("web_off", turn.language))
        context = self._plugin_context(record, context)
        description = turn.backend.description
        try:
            follows = turn.assistant is None or turn.assistant.answer_in_user_language
            language = turn.language if follows else ""
            messages = self._messages(record, (context, turn.format_hint), language)
            messages, notices = self._with_images(messages, turn)
            for notice in notices:
                yield TurnNotice(notice)
            if routed is not None:  # the tool's result, then what to do with it
                budget = prompt_budget(description.n_ctx, params.max_tokens)
                room = budget - turn.backend.count_tokens(messages) - 32
                messages += routed.messages(turn.language, room, turn.backend.count_text)
            fitted, dropped, tokens = fit_messages(
                messages,
                turn.backend.count_tokens,
                prompt_budget(description.n_ctx, params.max_tokens),
            )
        except (ModelError, ImageError) as exc:
            record.failed_prompt(description)
            yield TurnError(str(exc), record.conversation_id, error=exc)
            return None
        if dropped:
            yield ContextTrimmed(dropped, tokens, description.n_ctx)
        return _Prompt(fitted, dropped, tokens, params, routed, calls, documents, sources)

    def _with_images(self, messages: list[dict], turn: ResolvedTurn) -> tuple[list[dict], list]:
        """Pictures into the prompt: image parts for a model that sees them, else the text
        OCR read on them, marked as such; and the notices that say so for the question's."""
        description = turn.backend.description
        last_user = max((i for i, m in enumerate(messages) if m["role"] == "user"), default=-1)
        out, notices = [], []
        for index, message in enumerate(messages):
            raw = message.get("images")
            message = {k: v for k, v in message.items() if k != "images"}
            out.append(message)
            if not raw:
                continue
            images = [ChatImage.from_dict(d) for d in raw]
            try:
                if description.sees_images:
                    text = message["content"]
                    parts = [{"type": "text", "text": text}] if text else []
                    for image in images:
                        url = self.images.data_url(image, turn.image_data.get(image.sha256))
                        parts.append({"type": "image_url", "image_url": {"url": url}})
                    message["content"] = parts
                    continue
                notes = []
                for image in images:
                    if image.text is None:  # seen by a vision model before: read it now
                        data = turn.image_data.get(image.sha256) or self.images.store.read(image)
                        image.text = self.images.read_text(data, image.name)
                    notes += [read_note(image)] if image.text else []
                    if index == last_user:
                        notices.append(self._image_notice(image, description.name, turn.language))
                message["content"] = "\n\n".join(p for p in (message["content"], *notes) if p)
            except ImageError:
                if index == last_user:
                    raise
                log.info("a picture of an earlier message is missing", exc_info=True)
        return out, notices

    @staticmethod
    def _image_notice(image: ChatImage, model: str, language: str) -> str:
        key = "image_as_text" if image.text else "image_no_ocr" if image.text is None else None
        return lang.text(key or "image_no_text", language, model=model, name=image.name)

    def _offered_tools(self, turn: ResolvedTurn, prompt: _Prompt) -> Iterator[Event]:
        """``(tools, names offered when trimmed, whether the model sees tools)``."""
        tools = turn.tools
        use_tools = prompt.routed is None and self._offers_tools(turn)
        offered = None
        if use_tools and self.tool_selector is not None:
            # Many tools (MCP servers bring dozens): offer the few closest to the message.
            selection = self.tool_selector.select(tools.registry, turn.question)
            if selection.trimmed:
                tools, offered = replace(tools, registry=selection.registry), selection.offered
                yield TurnNotice(selection.notice())
        return tools, offered, use_tools

    def _stream(
        self,
        record: Record,
        turn: ResolvedTurn,
        prompt: _Prompt,
        tools: TurnTools | None,
        use_tools: bool,
        request: TurnRequest,
    ) -> Iterator[Event]:
        """Generate, forwarding events and checkpointing the text; None after an error."""
        out = _Outcome("", calls=list(prompt.calls), sources=list(prompt.sources))
        parts: list[str] = []
        told_offline = False
        last_save = time.monotonic()
        try:
            for item in self._generate(turn, prompt, tools, use_tools, request):
                if isinstance(item, (TextChunk, TextDelta)):
                    parts.append(item.text)
                    yield TextDelta(item.text)
                    if time.monotonic() - last_save > CHECKPOINT_EVERY_S:
                        record.checkpoint("".join(parts))
                        last_save = time.monotonic()
                elif isinstance(item, ToolCall):
                    yield item
                elif isinstance(item, ToolResult):
                    yield item
                    out.sources += item.sources
                    if unreachable(item) and not told_offline:
                        told_offline = True
                        yield TurnNotice(lang.text("web_unreachable", turn.language))
                elif isinstance(item, ClientCall):
                    out.client_calls += 1
                    yield item
                elif isinstance(item, ToolLoopResult):
                    out.stats = item.stats
                    out.completion_tokens = sum(s.completion_tokens for s in item.steps)
                    out.calls += [c.to_dict() for c in item.calls]
                    if item.finish_reason in ("cancelled", "tool_calls") and out.stats:
                        out.stats = replace(out.stats, finish_reason=item.finish_reason)
                elif isinstance(item, GenerationStats):
                    out.stats = item
                    out.completion_tokens = item.completion_tokens
        except ModelError as exc:
            # The partial reply is kept, marked, with the reason (e.g. the model worker died).
            record.end("".join(parts), "error", timings={"error": str(exc)})
            yield TurnError(str(exc), record.conversation_id, error=exc)
            return None
        except Exception as exc:
            # A bug (a plugin, a tool, our own code): the partial reply is kept as an error,
            # not as "stopped", and the details go to the log.
            log.exception("unexpected error during a reply")
            reason = f"unexpected {type(exc).__name__}: {exc}"
            record.end("".join(parts), "error", timings={"error": reason})
            yield TurnError(reason, record.conversation_id, error=exc)
            return None
        except BaseException:
            # Ctrl-C, a closed generator, a crash in the consumer: keep what was said.
            record.end("".join(parts), "stopped")
            raise
        out.text = "".join(parts)
        return out

    def _generate(
        self,
        turn: ResolvedTurn,
        prompt: _Prompt,
        tools: TurnTools | None,
        use_tools: bool,
        request: TurnRequest,
    ):
        backend, params, cancel = turn.backend, prompt.params, request.cancel
        if request.functions is not None and request.functions.offered():
            yield from propose_calls(
                backend, prompt.messages, request.functions, params, cancel, turn.call_grammar
            )
            return
        if not use_tools:
            yield from backend.stream(prompt.messages, params, cancel, grammar=turn.grammar)
            return
        # Text from documents is data, not the user: it never widens what runs unasked.
        allowed = () if prompt.documents else tools.always_allowed
        native = openai_tools(tools.registry) if backend.description.native_tools else None
        options = LoopOptions(
            approve=tools.approve,
            max_calls=tools.max_calls,
            tool_format=backend.description.tool_format,
            always_allowed=allowed,
            refusal_hint=tools.refusal_hint,
            user_text=tools.user_text,
        )
        yield from run_tool_loop(
            backend_generate(backend, params, cancel, native),
            prompt.messages,
            tools.registry,
            options,
            cancel,
        )

    def _finish(
        self,
        record: Record,
        turn: ResolvedTurn,
        prompt: _Prompt,
        out: _Outcome,
        citations: Sequence[Citation],
        offered: list[str] | None,
        support: list[dict] | None = None,
    ) -> TurnDone:
        """Write the reply's final state, tell the plugins, and say how the turn ended."""
        description = turn.backend.description
        stats = out.stats
        if stats is None:  # cancelled before the model produced anything
            stats = GenerationStats("cancelled", prompt.tokens, 0, 0, 0, 0.0, 0.0)
        timings = Timings(
            description.load_s, stats.ttft_s, stats.generate_s, round(stats.tokens_per_s, 2)
        )
        usage = Usage(
            stats.prompt_tokens,
            out.completion_tokens,
            stats.prompt_eval_tokens,
            stats.cached_tokens,
        )
        sources = {"citations": [asdict(c) for c in citations]} if citations else {}
        if support is not None:
            sources["support"] = support
        record.end(
            out.text,
            _STATUS_BY_FINISH.get(stats.finish_reason, "complete"),
            prompt_tokens=stats.prompt_tokens,
            completion_tokens=out.completion_tokens,
            tool_calls=out.calls,
            **sources,
            timings={
                **asdict(timings),
                "finish_reason": stats.finish_reason,
                "prompt_eval_tokens": stats.prompt_eval_tokens,
                "cached_tokens": stats.cached_tokens,
                "dropped_messages": prompt.dropped,
                **({"offered_tools": offered} if offered else {}),
            },
        )
        if self.plugins is not None and stats.finish_reason != "cancelled":
            self.plugins.after_reply(out.text, record.conversation_id)
        return TurnDone(
            conversation_id=record.conversation_id,
            message_id=record.reply_id,
            text=out.text,
            model=description.id,
            finish_reason=stats.finish_reason,
            usage=usage,
            timings=timings,
            dropped_messages=prompt.dropped,
        )


def _had_assistant(conv: Conversation | None) -> bool:
    return conv is not None and bool(conv.assistant)


def _only(registry: ToolRegistry, names: Sequence[str]) -> ToolRegistry:
    """The named tools of ``registry``; an unknown name is the request's error."""
    unknown = [n for n in names if n not in registry]
    if unknown:
        available = ", ".join(registry.names()) or "none"
        raise RequestError(
            f"no Fireside tool named '{unknown[0]}' (available: {available})", "fireside.tools"
        )
    return ToolRegistry(registry.get(n) for n in names)
