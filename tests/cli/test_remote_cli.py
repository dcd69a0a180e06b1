"""``fireside models remote`` and ``--model NAME/MODEL`` as a user runs them: real processes,
a real llama-cpp-python server on 127.0.0.1."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_cli import fireside, one_line_error
from tests.remote.conftest import API_KEY, server  # noqa: F401 - the shared server fixture
from tests.remote.server import ALIAS, free_port

pytestmark = pytest.mark.slow


def listed(name: str | None = None) -> list[dict]:
    result = fireside("models", "remote", "list", "--json")
    assert result.returncode == 0, result.stderr
    items = json.loads(result.stdout)
    return [i for i in items if name is None or i["name"] == name]


def test_add_list_chat_remove(server, fireside_home):  # noqa: F811
    added = fireside(
        "models", "remote", "add", "lab", server.url, "--api-key-stdin", input=API_KEY + "\n"
    )
    assert added.returncode == 0, added.stderr
    assert f"lab/{ALIAS}" in added.stdout
    assert API_KEY not in (fireside_home / "config" / "settings.json").read_text()

    (lab,) = listed("lab")
    assert lab["reachable"] and lab["url"] == server.url
    assert [m["id"] for m in lab["models"]] == [f"lab/{ALIAS}"]
    text = fireside("models", "remote", "list")
    assert "lab" in text.stdout and "reachable, 1 model" in text.stdout

    chat = fireside("chat", "Say hello.", "--model", f"lab/{ALIAS}", "-n", "5", "-t", "0", "--json")
    assert chat.returncode == 0, chat.stderr
    out = json.loads(chat.stdout)
    assert out["model"] == f"lab/{ALIAS}" and out["backend"] == "remote" and out["text"]
    assert out["device"].startswith("remote (127.0.0.1:")
    assert out["usage"]["completion_tokens"] == 5

    used = fireside("models", "use", f"lab/{ALIAS}")
    assert used.returncode == 0, used.stderr
    default = fireside("chat", "Hi", "-n", "2", "--json")  # no --model: the chosen default
    assert json.loads(default.stdout)["model"] == f"lab/{ALIAS}"
    one_line_error(fireside("models", "use", "lab/llama-70b"), "'llama-70b'")

    removed = fireside("models", "remote", "remove", "lab")
    assert removed.returncode == 0 and "removed lab" in removed.stdout
    assert listed("lab") == []
    one_line_error(fireside("models", "remote", "remove", "lab"), "no remote connection", "lab")
    settings = json.loads((fireside_home / "config" / "settings.json").read_text())
    assert settings["model"]["path"] is None  # back to the bundled model


def test_a_wrong_key_is_refused_and_nothing_is_saved(server):  # noqa: F811
    result = fireside(
        "models", "remote", "add", "lab", server.url, "--api-key-stdin", input="not-the-key\n"
    )
    one_line_error(result, server.url, "API key", "401")
    assert listed("lab") == []


def test_an_unreachable_server_is_named(fireside_home):
    url = f"http://127.0.0.1:{free_port()}/v1"
    one_line_error(fireside("models", "remote", "add", "gone", url), url, "cannot connect")
    saved = fireside("models", "remote", "add", "gone", url, "--no-check")
    assert saved.returncode == 0 and "not checked" in saved.stdout
    (gone,) = listed("gone")
    assert not gone["reachable"] and url in gone["error"]
    one_line_error(fireside("chat", "hi", "--model", "gone/some-model"), url, "cannot connect")


def test_bad_names_urls_and_unknown_models(server):  # noqa: F811
    one_line_error(
        fireside("models", "remote", "add", "a/b", server.url, "--no-check"), "connection name"
    )
    one_line_error(fireside("models", "remote", "add", "lab", "gpu-box:8000", "--no-check"), "http")
    one_line_error(
        fireside("models", "remote", "add", "lab", server.url, "--api-key-stdin", input="\n"),
        "no API key",
    )
    assert (
        fireside(
            "models", "remote", "add", "lab", server.url, "--api-key-stdin", input=API_KEY
        ).returncode
        == 0
    )
    one_line_error(
        fireside("chat", "hi", "--model", "lab/llama-70b"), "'llama-70b'", f"lab/{ALIAS}"
    )
    one_line_error(fireside("ask", "what?", "--model", "lab/llama-70b"), "'llama-70b'")


def test_a_key_from_an_environment_variable(server, fireside_home, monkeypatch):  # noqa: F811
    monkeypatch.setenv("LAB_API_KEY", API_KEY)
    added = fireside("models", "remote", "add", "lab", server.url, "--api-key-env", "LAB_API_KEY")
    assert added.returncode == 0, added.stderr
    assert "LAB_API_KEY" in (fireside_home / "config" / "settings.json").read_text()
    chat = fireside("chat", "Hi", "--model", f"lab/{ALIAS}", "-n", "3", "--json")
    assert chat.returncode == 0, chat.stderr
    monkeypatch.delenv("LAB_API_KEY")
    one_line_error(fireside("chat", "Hi", "--model", f"lab/{ALIAS}"), "LAB_API_KEY", "not set")
