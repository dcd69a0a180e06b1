"""A model worker that dies mid-reply costs one reply: nothing the user wrote is lost."""

from __future__ import annotations

import os
import signal

import pytest
from fireside.assistant.app import build_app
from fireside.assistant.events import TextDelta, TurnDone, TurnError, TurnStarted
from fireside.models.llama_backend import LoadOptions
from fireside.models.sampling import SamplingParams

from tests.turns import send

pytestmark = pytest.mark.slow
LONG = SamplingParams(temperature=0, max_tokens=300)


@pytest.fixture
def app(smollm_path):
    a = build_app()
    a.models.get(str(smollm_path), LoadOptions(n_ctx=1024, n_threads=1))
    yield a
    a.close()


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGSEGV])
def test_a_killed_worker_keeps_the_message_and_partial_reply_and_the_next_turn_works(app, sig):
    backend = app.models.current
    pid = backend.pid
    events, shown = [], ""
    for event in send(app.engine, "Write a long story about a dragon.", params=LONG):
        events.append(event)
        if isinstance(event, TextDelta):
            shown += event.text
            if len(shown) >= 10 and backend.pid == pid:
                os.kill(pid, sig)
    started = events[0]
    assert isinstance(started, TurnStarted)
    error = events[-1]
    assert isinstance(error, TurnError), events[-3:]
    assert sig.name in error.message and "\n" not in error.message
    thread = app.history.thread(started.conversation_id)
    assert [m.role for m in thread] == ["user", "assistant"]
    assert thread[0].content == "Write a long story about a dragon."
    assert thread[1].status == "error" and thread[1].content == shown and shown
    assert sig.name in thread[1].timings["error"]

    events = list(
        send(
            app.engine,
            "Now a short one.",
            conversation_id=started.conversation_id,
            params=SamplingParams(temperature=0, max_tokens=8),
        )
    )
    done = events[-1]
    assert isinstance(done, TurnDone), events[-1]
    assert done.text and app.models.current is backend and backend.pid != pid
    thread = app.history.thread(started.conversation_id)
    assert [m.role for m in thread] == ["user", "assistant", "user", "assistant"]
    assert thread[1].content == shown  # the partial reply stays in the conversation


def test_switching_models_ends_the_old_worker(app, gemma_path):
    import psutil

    old = app.models.current
    pid = old.pid
    new = app.models.get(str(gemma_path), LoadOptions(n_ctx=512, n_threads=1))
    assert new is not old and new.description.architecture == "gemma3"
    assert not old.running
    assert not psutil.pid_exists(pid)  # ended and reaped: its memory is back


def test_the_idle_unload_setting_reaches_the_worker(app, smollm_path):
    assert app.models.current.idle_unload_s is None  # off by default
    app.settings_store.set("model.idle_unload_minutes", 10)
    old = app.models.current
    # the same load options: only the changed setting makes it reload
    backend = app.models.get(str(smollm_path), LoadOptions(n_ctx=1024, n_threads=1))
    assert backend is not old and not old.running
    assert backend.idle_unload_s == 600 and backend.running
