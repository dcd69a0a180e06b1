"""A local hub (tests/hub_server.py) serving the real bundled GGUF, and the real client."""

from __future__ import annotations

import pytest

from tests.hub_server import FakeHub

REPO = "test-org/SmolLM2-135M-Instruct-GGUF"
FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
SPLIT_REPO = "test-org/Split-GGUF"


@pytest.fixture
def online(monkeypatch):
    """The tests' default is HF_HUB_OFFLINE=1; the library tests talk to a local hub."""
    import huggingface_hub.constants as constants

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("HF_HUB_DISABLE_XET", "1")
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", True)


@pytest.fixture
def split_parts(tmp_path_factory, smollm_path):
    """The real model cut into two byte ranges named as a two-part split model."""
    folder = tmp_path_factory.mktemp("split")
    data = smollm_path.read_bytes()
    half = len(data) // 2
    parts = []
    for i, chunk in enumerate((data[:half], data[half:]), 1):
        p = folder / f"tiny-Q4_1-{i:05d}-of-00002.gguf"
        p.write_bytes(chunk)
        parts.append(p)
    return parts


@pytest.fixture
def hub(online, smollm_path, split_parts, monkeypatch):
    with FakeHub() as server:
        server.state.add(REPO, FILE, smollm_path)
        server.state.add(REPO, "mmproj-SmolLM2-f16.gguf", split_parts[0])
        for p in split_parts:
            server.state.add(SPLIT_REPO, p.name, p)
        monkeypatch.setenv("HF_ENDPOINT", server.endpoint)
        yield server


@pytest.fixture
def library(hub, tmp_path):
    from fireside.models.library.hub import HubClient
    from fireside.models.library.library import ModelLibrary

    return ModelLibrary(tmp_path / "models", HubClient(hub.endpoint), scan_other_apps=False)
