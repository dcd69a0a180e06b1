"""Remote models through the whole app: connections, keys, the engine, the history."""

from __future__ import annotations

import json
import signal

import pytest
from fireside.assistant.app import build_app
from fireside.assistant.events import TextDelta, TurnDone, TurnError
from fireside.assistant.settings import model_chosen
from fireside.assistant.settings_store import SettingsStore
from fireside.models.generation import CancelToken
from fireside.models.remote.errors import RemoteAuthError
from fireside.models.sampling import SamplingParams

from fireside.errors import NotFoundError
from fireside.secret_store import SERVICE, SecretStore
from tests.keyrings import MemoryKeyring
from tests.remote.conftest import API_KEY
from tests.remote.server import ALIAS, start_server
from tests.turns import send

pytestmark = pytest.mark.slow

SHORT = SamplingParams(temperature=0.0, max_tokens=6)


@pytest.fixture
def app(fireside_home):
    app = build_app()
    yield app
    app.close()


def all_bytes(home) -> bytes:
    return b"".join(p.read_bytes() for p in home.rglob("*") if p.is_file())


@pytest.fixture
def memory_keyring():
    return MemoryKeyring()


def test_a_reply_from_a_remote_model_is_recorded_with_its_backend(app, server, fireside_home):
    conn, _warning = app.models.remotes.add("lab", server.url, api_key=API_KEY)
    events = list(send(app.engine, "Say hello.", model=f"lab/{ALIAS}", params=SHORT))
    done = events[-1]
    assert isinstance(done, TurnDone), events[-1]
    assert done.model == f"lab/{ALIAS}" and done.text
    assert done.usage.completion_tokens == 6 and done.usage.prompt_tokens > 0
    reply = app.history.get_message(done.message_id)
    assert (reply.model, reply.backend, reply.status) == (f"lab/{ALIAS}", "remote", "complete")
    assert reply.content == done.text
    # The key is in neither the settings file nor the history.
    assert API_KEY.encode() not in (fireside_home / "config" / "settings.json").read_bytes()
    assert API_KEY.encode() not in (fireside_home / "data" / "history.db").read_bytes()


def test_without_a_keyring_the_key_goes_to_a_private_file_with_a_warning(
    app, server, fireside_home
):
    app.models.remotes.keys = SecretStore(app.paths.config_dir, use_keyring=False)
    conn, warning = app.models.remotes.add("lab", server.url, api_key=API_KEY)
    assert conn.key_source == "file" and "keyring" in warning
    key_file = app.models.remotes.keys.file
    assert str(key_file) in warning
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert API_KEY in key_file.read_text()
    assert app.models.get(f"lab/{ALIAS}").description.id == f"lab/{ALIAS}"
    app.models.remotes.remove("lab")
    assert API_KEY not in key_file.read_text()


def test_with_a_keyring_the_key_goes_there(app, server, fireside_home, memory_keyring):
    app.models.remotes.keys = SecretStore(app.paths.config_dir, keyring=memory_keyring)
    conn, warning = app.models.remotes.add("lab", server.url, api_key=API_KEY)
    assert conn.key_source == "keyring" and warning is None
    assert memory_keyring.items == {(SERVICE, "remote/lab"): API_KEY}
    assert API_KEY.encode() not in all_bytes(fireside_home)
    events = list(send(app.engine, "Hi", model=f"lab/{ALIAS}", params=SHORT))
    assert isinstance(events[-1], TurnDone)
    app.models.remotes.remove("lab")
    assert memory_keyring.items == {}


def test_a_key_stored_by_an_earlier_release_is_still_found(server, fireside_home):
    """A connection saved before the one secret store: its row says "file", its key is in
    ``api-keys.json``; it keeps working, and adding it again moves the key over."""
    config = fireside_home / "config"
    config.mkdir(parents=True)
    row = {"name": "lab", "base_url": server.url, "key_source": "file"}
    (config / "settings.json").write_text(json.dumps({"remote_connections": [row]}))
    (config / "api-keys.json").write_text(json.dumps({"lab": API_KEY}))
    app = build_app()
    try:
        events = list(send(app.engine, "Hi", model=f"lab/{ALIAS}", params=SHORT))
        assert isinstance(events[-1], TurnDone), events[-1]
        app.models.remotes.add("lab", server.url, api_key=API_KEY)
        assert not (config / "api-keys.json").exists()
        assert app.secrets.get("remote/lab") == API_KEY
    finally:
        app.close()


def test_a_key_from_the_environment_stores_only_the_variables_name(
    app, server, fireside_home, monkeypatch
):
    monkeypatch.setenv("LAB_KEY", API_KEY)
    conn, warning = app.models.remotes.add("lab", server.url, api_key_env="LAB_KEY")
    assert (conn.key_source, conn.key_env, warning) == ("env", "LAB_KEY", None)
    assert b"LAB_KEY" in (fireside_home / "config" / "settings.json").read_bytes()
    assert API_KEY.encode() not in all_bytes(fireside_home)
    assert app.models.get(f"lab/{ALIAS}").description.backend == "remote"
    app.models.remotes.close()
    monkeypatch.delenv("LAB_KEY")
    with pytest.raises(RemoteAuthError, match="LAB_KEY"):
        app.models.get(f"lab/{ALIAS}")


def test_errors_before_the_reply_write_nothing(app, server):
    app.models.remotes.add("lab", server.url, api_key="wrong")
    events = list(send(app.engine, "Hi", model=f"lab/{ALIAS}", params=SHORT))
    assert isinstance(events[-1], TurnError) and "API key" in events[-1].message
    assert app.history.list_conversations() == []


def test_removing_a_connection_forgets_it_and_its_models(app, server):
    app.models.remotes.add("lab", server.url, api_key=API_KEY)
    app.settings_store.update(model_chosen(f"lab/{ALIAS}"))
    assert app.settings.model.recent == [f"lab/{ALIAS}"]
    app.models.remotes.remove("lab")
    assert app.settings.model.path is None and app.settings.model.recent == []
    on_disk = SettingsStore(app.paths.settings_file).settings  # another process's view
    assert on_disk.remote.connections == [] and on_disk.model.path is None
    assert not app.models.is_remote(f"lab/{ALIAS}")
    with pytest.raises(NotFoundError, match="no remote connection named 'lab'"):
        app.models.remotes.remove("lab")


def test_a_local_path_that_looks_like_a_connection_stays_local(app, server, tmp_path, monkeypatch):
    app.models.remotes.add("models", server.url, api_key=API_KEY)
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "x.gguf").write_bytes(b"GGUF")
    monkeypatch.chdir(tmp_path)
    assert not app.models.is_remote("models/x.gguf")
    assert app.models.is_remote(f"models/{ALIAS}")


def test_the_server_dying_mid_reply_keeps_the_partial_reply(app, smollm_path, tmp_path):
    doomed = start_server(smollm_path, tmp_path)
    try:
        app.models.remotes.add("doomed", doomed.url)
        params = SamplingParams(temperature=0.7, max_tokens=1000)
        shown, error = [], None
        for event in send(
            app.engine,
            "Write a long story.",
            model=f"doomed/{ALIAS}",
            params=params,
            cancel=CancelToken(),
        ):
            if isinstance(event, TextDelta):
                shown.append(event.text)
                if len(shown) == 4:
                    doomed.stop(signal.SIGKILL)
            elif isinstance(event, TurnError):
                error = event
        assert error is not None and doomed.url in error.message
        assert "\n" not in error.message
        conv = app.history.list_conversations()[0]
        user, reply = app.history.thread(conv.id)
        assert user.content == "Write a long story."
        assert reply.status == "error" and reply.content == "".join(shown)
        assert reply.backend == "remote"
    finally:
        doomed.stop(signal.SIGKILL)
