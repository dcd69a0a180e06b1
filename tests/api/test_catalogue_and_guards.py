"""Which names the API answers to, and which Host headers it accepts."""

from __future__ import annotations

import pytest
from fireside.api.catalogue import Catalogue
from fireside.api.guards import host_allowed
from fireside.assistant.settings import ModelChoices, Settings

from tests.api.helpers import paths_in


def test_catalogue_names_default_recent_and_models_folder(tmp_path, smollm_path):
    paths = paths_in(tmp_path)
    paths.models_dir.mkdir(parents=True)
    (paths.models_dir / "tiny-chat.gguf").symlink_to(smollm_path)
    (paths.models_dir / "notes.txt").write_text("not a model")
    settings = Settings(model=ModelChoices(recent=[str(tmp_path / "deleted.gguf")]))
    cat = Catalogue(settings, paths)
    ids = [e.id for e in cat.entries()]
    assert ids == ["SmolLM2-135M-Instruct.Q4_1", "tiny-chat"]  # missing files left out
    assert cat.resolve("default").path == str(smollm_path)
    assert cat.resolve(None).id == "SmolLM2-135M-Instruct.Q4_1"
    assert cat.resolve("tiny-chat").path.endswith("tiny-chat.gguf")
    assert cat.resolve(str(paths.models_dir / "tiny-chat.gguf")).id == "tiny-chat"
    assert cat.resolve("gpt-4o") is None
    settings.model.path = str(paths.models_dir / "tiny-chat.gguf")
    assert cat.resolve("default").id == "tiny-chat"


def test_window_catalogue_serves_only_the_loaded_model(tmp_path, smollm_path):
    paths = paths_in(tmp_path)
    paths.models_dir.mkdir(parents=True)
    other = paths.models_dir / "other.gguf"
    other.symlink_to(smollm_path)
    cat = Catalogue(Settings(), paths, loaded=lambda: str(other))
    assert [e.id for e in cat.entries()] == ["other"]
    assert cat.resolve("default").id == "other"
    assert cat.resolve("SmolLM2-135M-Instruct.Q4_1") is None


@pytest.mark.parametrize(
    "host, ok",
    [
        ("127.0.0.1:8765", True),
        ("localhost", True),
        ("LOCALHOST.:80", True),
        ("[::1]:8765", True),
        ("192.168.1.20:8765", True),
        ("::1", True),
        ("evil.example", False),
        ("127.0.0.1.nip.io:8765", False),
        ("localhost.evil.example", False),
        ("", False),
        (None, False),
        ("mybox:8765", True),
        ("localhost:8765@evil.com", False),
        ("localhost:abc", False),
        ("localhost:99999", False),
        ("127.0.0.1:80:80", False),
        ("[::1]x", False),
        ("local host", False),
    ],
)
def test_host_allowlist(host, ok):
    assert host_allowed(host, ["mybox"]) is ok
