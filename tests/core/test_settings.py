"""The settings file: typed sections, field-by-field checks, and a store that loses nothing.

Real files in a private FIRESIDE_HOME; two ``SettingsStore`` objects on one file stand for two
processes here (real processes are in tests/cli/test_settings_cli.py).
"""

from __future__ import annotations

import json
import logging
import re

import pytest
from fireside.assistant.app import build_app
from fireside.assistant.settings import (
    ApiSettings,
    ModelSettings,
    Paths,
    RemoteConnection,
    Settings,
)
from fireside.assistant.settings_store import SettingsError, SettingsStore, setting
from fireside.models.sampling import SamplingParams

FLAT = {  # a settings.json as the earlier, flat format wrote it
    "model_path": "/models/qwen.gguf",
    "recent_models": ["/models/qwen.gguf", "/models/llama.gguf"],
    "system_prompt": "Answer in French.",
    "n_threads": 6,
    "idle_unload_minutes": 15,
    "theme": "dark",
    "ui_language": "zh_TW",
    "per_model": {
        "/models/qwen.gguf": {
            "n_ctx": 8192,
            "n_gpu_layers": 20,
            "chat_template": None,
            "sampling": {"temperature": 0.2, "top_k": 30, "stop": ["</s>"]},
        }
    },
    "disabled_plugins": ["weather"],
    "tools_enabled": True,
    "always_allowed_tools": ["calculator"],
    "library": {"models_dir": "/big/models", "endpoint": None, "folders": ["/more"]},
    "remote_connections": [
        {"name": "gpu", "base_url": "http://gpu:8000/v1", "key_source": "env", "key_env": "K"}
    ],
    "api": {"enabled": True, "port": 9000, "allowed_tools": ["weather"]},
    "routing_enabled": False,
}


@pytest.fixture
def paths(fireside_home) -> Paths:
    return Paths.from_env().ensure()


def write(paths: Paths, data) -> None:
    text = data if isinstance(data, str | bytes) else json.dumps(data)
    if isinstance(text, bytes):
        paths.settings_file.write_bytes(text)
    else:
        paths.settings_file.write_text(text, encoding="utf-8")


def test_a_flat_file_of_an_earlier_version_loads_into_the_sections(paths):
    write(paths, FLAT)
    store = SettingsStore(paths.settings_file)
    s = store.settings
    assert store.problems == []
    assert (s.model.path, s.model.recent) == (FLAT["model_path"], FLAT["recent_models"])
    assert (s.model.n_threads, s.model.idle_unload_minutes) == (6, 15)
    assert (s.window.theme, s.window.language) == ("dark", "zh_TW")
    assert s.chat == type(s.chat)("Answer in French.", True, False, ["calculator"])
    assert s.plugins.disabled == ["weather"]
    assert (s.library.models_dir, s.library.folders) == ("/big/models", ["/more"])
    assert s.remote.connections == [
        RemoteConnection("gpu", "http://gpu:8000/v1", key_source="env", key_env="K")
    ]
    assert s.api == ApiSettings(enabled=True, port=9000, allowed_tools=["weather"])
    ms = s.model_settings("/models/qwen.gguf")
    assert (ms.n_ctx, ms.n_gpu_layers) == (8192, 20)
    assert ms.sampling == SamplingParams(temperature=0.2, top_k=30, stop=["</s>"])
    assert isinstance(ms, ModelSettings) and isinstance(ms.sampling, SamplingParams)

    store.set("window.theme", "light")  # the first write moves it to today's format
    saved = json.loads(paths.settings_file.read_text())
    assert "model_path" not in saved and saved["version"] == 2
    assert saved["model"]["per_model"]["/models/qwen.gguf"]["sampling"]["top_k"] == 30
    assert SettingsStore(paths.settings_file).settings == store.settings


def test_wrong_types_fall_back_field_by_field_and_are_named_once(paths, caplog):
    write(
        paths,
        {
            "n_threads": "abc",
            "model_path": 5,
            "theme": "dark",
            "system_prompt": "Be brief.",
            "per_model": {"a.gguf": {"n_ctx": "big"}},
            "remote_connections": [{"name": "ok", "base_url": "http://x/v1"}, {"name": 3}],
            "api": {"port": 70000, "max_queue": 4},
            "window": "not an object",
        },
    )
    with caplog.at_level(logging.WARNING, logger="fireside"):
        store = SettingsStore(paths.settings_file)
        store.sync()
        store.read()
    s = store.settings
    assert (s.model.n_threads, s.model.path) == (None, None)  # the defaults
    assert (s.chat.system_prompt, s.window.theme) == ("Be brief.", "system")
    assert s.api.port == 8765 and s.api.max_queue == 4
    assert s.model_settings("a.gguf").n_ctx is None
    assert [c.name for c in s.remote.connections] == ["ok"]
    where = str(paths.settings_file)
    assert all(line.startswith(where + ": ") for line in store.problems)
    named = [line.removeprefix(where + ": ").split(":")[0] for line in store.problems]
    assert named == [
        "model_path (now model.path)",
        "n_threads (now model.n_threads)",
        "per_model['a.gguf'].n_ctx (now model.per_model['a.gguf'].n_ctx)",
        "window",
        "remote_connections[1] (now remote.connections[1])",
        "api.port",
    ]
    assert len(caplog.records) == len(store.problems)  # once each, though read three times
    assert "'abc'" not in store.problems[1] and '"abc"' in store.problems[1]


@pytest.mark.parametrize(
    ("content", "what"),
    [
        ("[1, 2, 3]", "not a JSON object"),
        ('{"theme": ', "not valid JSON"),
        (b"\xff\xfe\x00\x01garbage", "not text"),
    ],
)
def test_a_file_that_is_not_a_json_object_is_moved_aside_never_over_a_copy(paths, content, what):
    copies = []
    for _ in range(3):  # within a second: the timestamp alone would repeat
        write(paths, content)
        store = SettingsStore(paths.settings_file)
        assert store.settings == Settings()
        (line,) = store.problems
        assert line.startswith(f"{paths.settings_file}: {what}") and "moved aside to" in line
        copy = line.split("moved aside to ")[1].split(";")[0]
        assert re.fullmatch(r"settings\.json\.broken-\d{8}-\d{6}(-\d+)?", copy)
        copies.append(copy)
        assert not paths.settings_file.exists()
    assert len(set(copies)) == 3
    for copy in copies:
        raw = (paths.config_dir / copy).read_bytes()
        assert raw == (content if isinstance(content, bytes) else content.encode())


def test_two_stores_on_one_file_both_keep_their_changes(paths):
    one, two = SettingsStore(paths.settings_file), SettingsStore(paths.settings_file)
    one.update(lambda s: s.library.folders.append("/from-one"))
    two.update(lambda s: s.library.folders.append("/from-two"))  # two never read one's
    one.set("window.theme", "dark")
    assert two.settings.window.theme == "system"  # not yet synced
    heard = []
    two.subscribe(heard.append)
    assert two.sync() == {"window.theme"}
    assert heard == [{"window.theme"}]
    assert two.sync() == frozenset() and len(heard) == 1  # nothing new: nothing heard
    again = SettingsStore(paths.settings_file).settings
    assert again.library.folders == ["/from-one", "/from-two"]
    assert again.window.theme == "dark"


def test_overrides_are_never_written_and_survive_a_sync(paths):
    serve, cli = SettingsStore(paths.settings_file), SettingsStore(paths.settings_file)
    serve.override("model.n_threads", 2)
    serve.override("model.path", "/tmp/only-this-run.gguf")
    assert serve.settings.model.n_threads == 2
    cli.set("model.n_threads", 8)
    cli.set("chat.system_prompt", "Short answers.")
    assert serve.sync() == {"chat.system_prompt"}  # n_threads changed underneath the override
    assert serve.settings.model.n_threads == 2
    serve.set("window.theme", "dark")  # a real change by the overriding process
    on_disk = json.loads(paths.settings_file.read_text())
    assert on_disk["model"]["n_threads"] == 8 and on_disk["model"]["path"] is None
    assert on_disk["window"]["theme"] == "dark"
    assert serve.settings.model.path == "/tmp/only-this-run.gguf"


def test_a_bad_value_is_refused_and_nothing_is_written(paths):
    store = SettingsStore(paths.settings_file)
    store.set("window.theme", "dark")
    before = paths.settings_file.read_bytes()
    with pytest.raises(SettingsError, match=r"window\.theme: expected one of"):
        store.set("window.theme", "purple")
    with pytest.raises(SettingsError, match="model.n_threads"):
        store.update(lambda s: setattr(s.model, "n_threads", "four"))
    with pytest.raises(SettingsError, match="no setting named 'theme'"):
        setting("theme", "dark")
    assert paths.settings_file.read_bytes() == before
    assert store.settings.window.theme == "dark" and store.settings.model.n_threads is None


def test_the_app_has_one_store_and_plugins_follow_it(fireside_home):
    app = build_app()
    try:
        assert app.settings is app.settings_store.settings
        assert "weather" in {t.name for t in app.plugins.tools()}
        other = SettingsStore(app.paths.settings_file)  # another process
        other.set("plugins.disabled", ["weather"])
        assert app.settings_store.sync() == {"plugins.disabled"}
        assert "weather" not in {t.name for t in app.plugins.tools()}
        other.set("plugins.disabled", [])
        app.settings_store.sync()
        assert "weather" in {t.name for t in app.plugins.tools()}
    finally:
        app.close()
