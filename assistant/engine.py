"""Turn a conversation plus settings into a stream of events; the one path every front end uses.

Order matters for not losing data: the model is loaded first (a bad model file writes
nothing), then the user's message is committed, then the reply is streamed and checkpointed
to the database every couple of seconds, so Ctrl-C, Stop, or even a killed process leave the
partial reply in history.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import asdict

from assistant.context_window import fit_messages
from assistant.conversation import Conversation, Message
from assistant.events import (
    ContextTrimmed,
    Event,
    TextDelta,
    Timings,
    TurnDone,
    TurnError,
    TurnStarted,
    Usage,
)
from assistant.history import HistoryStore
from assistant.model_manager import ModelManager
from assistant.settings import Settings
from models.errors import ModelError
from models.generation import CancelToken, GenerationStats, TextChunk
from models.llama_backend import LlamaBackend
from models.sampling import SamplingParams

CHECKPOINT_EVERY_S = 2.0
AFTER_CURRENT = -1  # parent_id default: continue after the conversation's current leaf
_STATUS_BY_FINISH = {"stop": "complete", "length": "complete", "cancelled": "stopped"}


def _title_from(text: str) -> str:
    line = " ".join(text.split())
    return (line[:57] + "…") if len(line) > 60 else (line or "New chat")


class ChatEngine:
    def __init__(self, history: HistoryStore, models: ModelManager, settings: Settings) -> None:
        self.history = history
        self.models = models
        self.settings = settings

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
    ) -> Iterator[Event]:
        """Add a user message and stream a reply.

        The message follows the current leaf, or ``parent_id`` (``None``: a new first
        message, as when the first message is edited).
        """
        try:
            backend = self.models.get(model_path)
            conv = self._conversation(conversation_id, text, backend, system)
        except (ModelError, KeyError) as exc:
            yield TurnError(str(exc).strip("'\""), conversation_id)
            return
        if parent_id == AFTER_CURRENT:
            parent_id = conv.current_leaf_id
        user = self.history.add_message(conv.id, "user", text, parent_id)
        yield TurnStarted(conv.id, user.id, parent_id)
        yield from self._reply(conv, user, backend, params, context, cancel)

    def regenerate(
        self,
        message_id: int,
        *,
        model_path: str | None = None,
        params: SamplingParams | None = None,
        context: str | None = None,
        cancel: CancelToken | None = None,
    ) -> Iterator[Event]:
        """A new version of an assistant reply; the old one stays as a sibling."""
        try:
            old = self.history.get_message(message_id)
            user = self.history.get_message(old.parent_id) if old.role == "assistant" else old
            backend = self.models.get(model_path)
            conv = self.history.get_conversation(user.conversation_id)
        except (ModelError, KeyError) as exc:
            yield TurnError(str(exc).strip("'\""))
            return
        yield TurnStarted(conv.id, user.id, user.parent_id)
        yield from self._reply(conv, user, backend, params, context, cancel)

    def edit(
        self,
        message_id: int,
        new_text: str,
        *,
        model_path: str | None = None,
        params: SamplingParams | None = None,
        context: str | None = None,
        cancel: CancelToken | None = None,
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
        )

    # -- internals ---------------------------------------------------------------------------
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
            model=str(backend.path),
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
    ) -> Iterator[Event]:
        params = params or self.settings.model_settings(str(backend.path)).sampling
        load_s = backend.report.load_s if backend.report else 0.0
        try:
            budget = backend.n_ctx - min(params.max_tokens, backend.n_ctx // 2)
            messages, dropped, prompt_tokens = fit_messages(
                self.build_messages(conv, user, context), backend.count_tokens, budget
            )
        except ModelError as exc:
            self.history.add_message(
                conv.id, "assistant", "", user.id, status="error", model=str(backend.path)
            )
            yield TurnError(str(exc), conv.id)
            return
        if dropped:
            yield ContextTrimmed(dropped, prompt_tokens, backend.n_ctx)

        reply = self.history.add_message(
            conv.id,
            "assistant",
            "",
            user.id,
            status="streaming",
            model=str(backend.path),
            settings=asdict(params),
        )
        parts: list[str] = []
        last_save = time.monotonic()
        stats: GenerationStats | None = None
        try:
            for item in backend.stream(messages, params, cancel):
                if isinstance(item, TextChunk):
                    parts.append(item.text)
                    yield TextDelta(item.text)
                    if time.monotonic() - last_save > CHECKPOINT_EVERY_S:
                        self.history.update_message(reply.id, content="".join(parts))
                        last_save = time.monotonic()
                elif isinstance(item, GenerationStats):
                    stats = item
        except ModelError as exc:
            self.history.update_message(reply.id, content="".join(parts), status="error")
            yield TurnError(str(exc), conv.id)
            return
        except BaseException:
            # Ctrl-C, a closed generator, a crash in the consumer: keep what was said.
            self.history.update_message(reply.id, content="".join(parts), status="stopped")
            raise
        text = "".join(parts)
        assert stats is not None
        timings = Timings(load_s, stats.ttft_s, stats.generate_s, round(stats.tokens_per_s, 2))
        usage = Usage(
            stats.prompt_tokens,
            stats.completion_tokens,
            stats.prompt_eval_tokens,
            stats.cached_tokens,
        )
        self.history.update_message(
            reply.id,
            content=text,
            status=_STATUS_BY_FINISH.get(stats.finish_reason, "complete"),
            prompt_tokens=stats.prompt_tokens,
            completion_tokens=stats.completion_tokens,
            timings={
                **asdict(timings),
                "finish_reason": stats.finish_reason,
                "prompt_eval_tokens": stats.prompt_eval_tokens,
                "cached_tokens": stats.cached_tokens,
                "dropped_messages": dropped,
            },
        )
        yield TurnDone(
            conversation_id=conv.id,
            message_id=reply.id,
            text=text,
            model=str(backend.path),
            finish_reason=stats.finish_reason,
            usage=usage,
            timings=timings,
            dropped_messages=dropped,
        )
