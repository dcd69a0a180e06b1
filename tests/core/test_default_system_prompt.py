"""The default system prompt speaks the user's language; a prompt the user wrote is kept.

The engine, the history and the settings are real; the model is scripted, so the prompt it
was given can be read back exactly.
"""

from __future__ import annotations

import pytest
from fireside.assistant.app import build_app
from fireside.assistant.events import TurnDone
from fireside.assistant.language import (
    ENGLISH,
    SIMPLIFIED,
    TRADITIONAL,
    default_system_prompt,
    from_locale,
    is_default_system_prompt,
    system_prompt_in,
)
from fireside.assistant.turn_request import TurnRequest

from tests.scripted_backend import FixedModel, ScriptedBackend

CHINESE_DEFAULT = "你是一个乐于助人的助手。"


@pytest.fixture
def app():
    a = build_app()
    a.models = a.engine.models = FixedModel(ScriptedBackend())
    yield a
    a.close()


def ask(app, text: str, **kw) -> tuple[TurnDone, str]:
    """One turn; the reply and the system prompt the model was given (without what the
    engine adds after it, such as "answer in Simplified Chinese")."""
    events = list(app.engine.run(TurnRequest(text=text, tools=None, **kw)))
    done = events[-1]
    assert isinstance(done, TurnDone), events
    system = app.models.backend.calls[-1][0]
    assert system["role"] == "system"
    return done, system["content"].split("\n\n")[0]


def test_the_defaults_and_what_counts_as_unchanged():
    assert default_system_prompt() == "You are a helpful assistant."
    assert default_system_prompt(SIMPLIFIED) == CHINESE_DEFAULT
    assert default_system_prompt(TRADITIONAL) == "你是一個樂於助人的助手。"
    for language in (ENGLISH, SIMPLIFIED, TRADITIONAL):
        assert is_default_system_prompt(default_system_prompt(language) + "\n")
        assert system_prompt_in("You are a helpful assistant.", language) == (
            default_system_prompt(language)
        )
    assert not is_default_system_prompt("You are a helpful assistant. Answer briefly.")
    assert system_prompt_in("回答要简短。", ENGLISH) == "回答要简短。"
    assert [from_locale(t) for t in ("zh_CN", "zh-Hant-HK", "zh_TW", "en", "de_DE", None)] == [
        SIMPLIFIED,
        TRADITIONAL,
        TRADITIONAL,
        ENGLISH,
        ENGLISH,
        ENGLISH,
    ]


def test_a_chinese_window_gives_a_new_chat_the_chinese_default(app):
    assert app.settings.chat.system_prompt == "You are a helpful assistant."
    done, system = ask(app, "Hello", language=SIMPLIFIED)  # the window's language decides
    assert system == CHINESE_DEFAULT
    assert app.history.get_conversation(done.conversation_id).system_prompt == CHINESE_DEFAULT
    assert app.settings.chat.system_prompt == "You are a helpful assistant."  # not rewritten


def test_without_a_window_language_the_questions_language_decides(app):
    _done, system = ask(app, "什麼是幻覺？")
    assert system == "你是一個樂於助人的助手。"
    _done, system = ask(app, "What is a hallucination?")
    assert system == "You are a helpful assistant."


def test_an_older_chat_with_the_english_default_speaks_chinese_in_a_chinese_window(app):
    conv = app.history.create_conversation("Old", system_prompt="You are a helpful assistant.")
    _done, system = ask(app, "你好", conversation_id=conv.id, language=SIMPLIFIED)
    assert system == CHINESE_DEFAULT


def test_a_prompt_the_user_wrote_is_never_replaced(app):
    app.settings_store.set("chat.system_prompt", "Answer like a pirate.")
    done, system = ask(app, "你好", language=SIMPLIFIED)
    assert system == "Answer like a pirate."
    assert app.history.get_conversation(done.conversation_id).system_prompt == (
        "Answer like a pirate."
    )
    conv = app.history.create_conversation("Mine", system_prompt="Reply in haiku.")
    _done, system = ask(app, "你好", conversation_id=conv.id, language=SIMPLIFIED)
    assert system == "Reply in haiku."
