"""One real llama-cpp-python server (with an API key) shared by a test module."""

from __future__ import annotations

import pytest

from tests.remote.server import start_server

API_KEY = "test-key-5f3a"


@pytest.fixture(scope="module")
def server(smollm_path, tmp_path_factory):
    srv = start_server(smollm_path, tmp_path_factory.mktemp("llama-server"), api_key=API_KEY)
    yield srv
    srv.stop()
